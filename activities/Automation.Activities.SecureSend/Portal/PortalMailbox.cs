using System.Security.Cryptography;
using Automation.Engine.Audit;
using Automation.Engine.Persistence;
using Automation.Engine.Security;

namespace Automation.Activities.SecureSend.Portal;

/// <summary>
/// The sender's side of the portal: deposits messages encrypted at rest (idempotent by message id), hands back the
/// signed pickup link, retracts, and re-encrypts old messages after a key rotation.
/// </summary>
public sealed class PortalMailbox : IPortalMailbox
{
    /// <summary>The <see cref="SignedTokens"/> purpose of pickup links.</summary>
    public const string LinkPurpose = "portal";

    private readonly IPortalStore store;
    private readonly PortalSealer sealer;
    private readonly SignedTokens tokens;
    private readonly PortalAuditor auditor;
    private readonly TimeProvider timeProvider;
    private readonly Uri baseUrl;

    // The deposits of a batch of sends share one INSERT (one round trip instead of one each).
    private readonly RequestCoalescer<PortalRecord, bool> inserts;

    internal PortalMailbox(IPortalStore store, PortalSealer sealer, SignedTokens tokens, PortalAuditor auditor, TimeProvider timeProvider, PortalOptions options)
    {
        this.store = store;
        this.sealer = sealer;
        this.tokens = tokens;
        this.auditor = auditor;
        this.timeProvider = timeProvider;
        baseUrl = options.PublicBaseUrl ?? throw new ArgumentException("Automation:PublicBaseUrl is required.", nameof(options));
        inserts = new RequestCoalescer<PortalRecord, bool>(store.InsertManyAsync);
    }

    /// <summary>Makes a mailbox without a container (command line, tools): the store is opened from
    /// <see cref="PortalOptions.StoreProvider"/> and <see cref="PortalOptions.StoreConnectionString"/>.</summary>
    /// <param name="options">The settings; <see cref="PortalOptions.PublicBaseUrl"/> and the store are required.</param>
    /// <param name="protector">Encrypts the PHI fields.</param>
    /// <param name="tokens">Signs the pickup links.</param>
    /// <param name="auditLog">Records retractions.</param>
    /// <param name="hasher">Hashes patient ids for the audit log.</param>
    /// <param name="timeProvider">The clock (default: the system clock).</param>
    /// <returns>The mailbox.</returns>
    /// <exception cref="ArgumentException">The settings are invalid (every problem listed).</exception>
    public static PortalMailbox Create(PortalOptions options, PhiProtector protector, SignedTokens tokens, IAuditLog auditLog, PatientIdHasher hasher, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var problems = options.Validate();
        if (problems.Count > 0)
        {
            throw new ArgumentException("The portal settings are invalid: " + string.Join(" ", problems), nameof(options));
        }

        return new PortalMailbox(
            PortalStoreFactory.Create(options),
            new PortalSealer(protector),
            tokens,
            new PortalAuditor(auditLog, hasher),
            timeProvider ?? TimeProvider.System,
            options);
    }

    /// <inheritdoc />
    /// <exception cref="ArgumentException">A required field is empty, or <see cref="PortalMessage.ExpiresAt"/> is not in the future.</exception>
    public async Task<PortalDeposit> DepositAsync(PortalMessage message, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        Require(message.MessageId, nameof(message.MessageId));
        Require(message.PatientId, nameof(message.PatientId));
        Require(message.RecipientAddress, nameof(message.RecipientAddress));
        Require(message.Subject, nameof(message.Subject));
        ArgumentNullException.ThrowIfNull(message.HtmlBody, nameof(message.HtmlBody));
        ArgumentNullException.ThrowIfNull(message.InstanceId, nameof(message.InstanceId));
        var now = timeProvider.GetUtcNow();
        if (message.ExpiresAt <= now)
        {
            throw new ArgumentException($"PortalMessage.ExpiresAt must be in the future (message '{message.MessageId}').", nameof(message));
        }

        var expiresAt = message.ExpiresAt;
        if (!await inserts.ExecuteAsync(sealer.Seal(message, now), cancellationToken).ConfigureAwait(false))
        {
            // A retry of the same send: the first deposit stands, and the link follows its expiry.
            var existing = await store.FindAsync(message.MessageId, cancellationToken).ConfigureAwait(false)
                ?? throw new InvalidOperationException($"Portal message '{message.MessageId}' vanished during its deposit.");
            expiresAt = existing.ExpiresAt;
        }

        return new PortalDeposit(message.MessageId, PickupUrl(message.MessageId, expiresAt, now));
    }

    /// <summary>Withdraws a message: its link shows "retracted" from now on. Audited with <paramref name="actor"/>.</summary>
    /// <param name="messageId">The message id.</param>
    /// <param name="actor">Who retracted it (the user id).</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns><c>true</c> when retracted now; <c>false</c> when there is no such message or it was already retracted.</returns>
    public async Task<bool> RetractAsync(string messageId, string actor, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(messageId);
        ArgumentException.ThrowIfNullOrEmpty(actor);
        var record = await store.FindAsync(messageId, cancellationToken).ConfigureAwait(false);
        if (record is null || !await store.RetractAsync(messageId, timeProvider.GetUtcNow(), cancellationToken).ConfigureAwait(false))
        {
            return false;
        }

        await auditor.RecordAsync(PortalAuditResults.Retracted, messageId, record, actor, cancellationToken).ConfigureAwait(false);
        return true;
    }

    /// <summary>Re-encrypts every message stored under an older key with the active key (run after a rotation; reading a
    /// message rewraps it too). Works through the table in pages; a message whose key has left the ring is counted as
    /// unreadable and left as it is, so one bad row does not stop the rest.</summary>
    /// <param name="batchSize">Messages per page. Default 500.</param>
    /// <param name="cancellationToken">Cancels between pages.</param>
    /// <returns>How many were re-encrypted and how many could not be decrypted.</returns>
    public async Task<PortalRewrapResult> RewrapAsync(int batchSize = 500, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        int rewrapped = 0, unreadable = 0;
        var after = "";
        while (true)
        {
            var page = await store.FindNotUnderKeyAsync(sealer.ActiveKeyId, after, batchSize, cancellationToken).ConfigureAwait(false);
            foreach (var record in page)
            {
                PortalRecord sealedAgain;
                try
                {
                    sealedAgain = sealer.Rewrap(record);
                }
                catch (CryptographicException)
                {
                    unreadable++;
                    continue;
                }

                if (await store.ReplaceCiphertextAsync(sealedAgain, record.KeyId, cancellationToken).ConfigureAwait(false))
                {
                    rewrapped++;
                }
            }

            if (page.Count < batchSize)
            {
                return new PortalRewrapResult(rewrapped, unreadable);
            }

            after = page[^1].MessageId;
        }
    }

    private Uri PickupUrl(string messageId, DateTimeOffset expiresAt, DateTimeOffset now)
    {
        var token = tokens.Create(LinkPurpose, messageId, expiresAt - now);
        return new Uri(baseUrl.AbsoluteUri.TrimEnd('/') + "/portal/" + token);
    }

    private static void Require(string? value, string field)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            throw new ArgumentException($"PortalMessage.{field} is required.", field);
        }
    }
}
