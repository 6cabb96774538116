using System.Buffers.Text;
using System.Globalization;
using System.Text;
using Automation.Engine.Security;
using Microsoft.Extensions.Logging;

namespace Automation.Activities.SecureSend.Portal;

/// <summary>
/// The recipient's side of the portal, free of HTTP so it can be tested with a fake clock: link -> date of birth ->
/// one-time code -> the decrypted message. Every step re-checks retraction, expiry and lockout, is audited
/// (<c>portal.access</c>), and counts wrong answers of either kind toward one lockout. Between steps the caller keeps
/// a signed token bound to the message (a cookie): one for "date of birth passed", one for the reading session.
/// </summary>
public sealed partial class PortalPickup
{
    /// <summary>The <see cref="SignedTokens"/> purpose of the "date of birth passed" cookie.</summary>
    public const string IdentityPurpose = "portal-identity";

    /// <summary>The <see cref="SignedTokens"/> purpose of the reading-session cookie.</summary>
    public const string SessionPurpose = "portal-session";

    /// <summary>How long after sending a code a repeated right date of birth shows the code form without sending another.</summary>
    private static readonly TimeSpan CodeResendInterval = TimeSpan.FromMinutes(1);

    private readonly IPortalStore store;
    private readonly PortalSealer sealer;
    private readonly SignedTokens tokens;
    private readonly PortalAuditor auditor;
    private readonly IPatientBirthDates birthDates;
    private readonly IPortalCodeSender codeSender;
    private readonly TimeProvider timeProvider;
    private readonly PortalOptions options;
    private readonly ILogger logger;

    internal PortalPickup(
        IPortalStore store,
        PortalSealer sealer,
        SignedTokens tokens,
        PortalAuditor auditor,
        IPatientBirthDates birthDates,
        IPortalCodeSender codeSender,
        TimeProvider timeProvider,
        PortalOptions options,
        ILogger<PortalPickup> logger)
    {
        this.store = store;
        this.sealer = sealer;
        this.tokens = tokens;
        this.auditor = auditor;
        this.birthDates = birthDates;
        this.codeSender = codeSender;
        this.timeProvider = timeProvider;
        this.options = options;
        this.logger = logger;
    }

    /// <summary>The link was opened: shows the date-of-birth form, or why it cannot.</summary>
    /// <param name="linkToken">The token from the pickup URL.</param>
    /// <param name="cancellationToken">Cancels the step.</param>
    /// <returns>The next page.</returns>
    public async Task<PortalStep> OpenAsync(string linkToken, CancellationToken cancellationToken = default)
    {
        var (record, stop) = await AdmitAsync(linkToken, cancellationToken).ConfigureAwait(false);
        if (stop is not null)
        {
            return stop;
        }

        await auditor.RecordAsync(PortalAuditResults.Opened, record!.MessageId, record, cancellationToken: cancellationToken).ConfigureAwait(false);
        return new PortalStep { Page = PortalPage.BirthDate };
    }

    /// <summary>Checks the date of birth against the patient record; when it matches, sends a new one-time code.</summary>
    /// <param name="linkToken">The token from the pickup URL.</param>
    /// <param name="birthDate">What the recipient typed (<c>YYYY-MM-DD</c>).</param>
    /// <param name="cancellationToken">Cancels the step.</param>
    /// <returns>The code page with the identity cookie, the form again with the problem, or a stop page.</returns>
    public async Task<PortalStep> SubmitBirthDateAsync(string linkToken, string? birthDate, CancellationToken cancellationToken = default)
    {
        var (record, stop) = await AdmitAsync(linkToken, cancellationToken).ConfigureAwait(false);
        if (stop is not null)
        {
            return stop;
        }

        if (!DateOnly.TryParseExact(birthDate?.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var given))
        {
            // Not a guess at all: shown again without counting.
            return new PortalStep { Page = PortalPage.BirthDate, Problem = PortalProblem.UnreadableBirthDate };
        }

        DateOnly? expected;
        try
        {
            expected = await birthDates.FindBirthDateAsync(record!.PatientId, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            // The patient record is out of reach (FHIR server down): not the recipient's fault, so not counted.
            LogRecordUnavailable(logger, record!.MessageId, exception.GetType().Name);
            await auditor.RecordAsync(PortalAuditResults.IdentityUnavailable, record.MessageId, record, cancellationToken: cancellationToken).ConfigureAwait(false);
            return new PortalStep { Page = PortalPage.BirthDate, Problem = PortalProblem.CheckUnavailable };
        }

        if (expected != given)
        {
            return await FailAsync(record, PortalPage.BirthDate, PortalProblem.WrongBirthDate, PortalAuditResults.IdentityFailed, cancellationToken).ConfigureAwait(false);
        }

        var now = timeProvider.GetUtcNow();
        if (record.CodeHash is not null && record.CodeExpiresAt is { } pending && pending - options.CodeLifetime > now - CodeResendInterval)
        {
            // A code went out moment ago and still works: a repeated (or scripted) answer must not flood the inbox.
            await auditor.RecordAsync(PortalAuditResults.CodePending, record.MessageId, record, cancellationToken: cancellationToken).ConfigureAwait(false);
            return CodePage(record.MessageId);
        }

        var code = PortalCodeHash.NewCode();
        var codeExpires = now + options.CodeLifetime;
        await store.SetCodeAsync(record.MessageId, PortalCodeHash.Hash(record.MessageId, code), codeExpires, cancellationToken).ConfigureAwait(false);
        try
        {
            await codeSender.SendAsync(new PortalCode(record.MessageId, sealer.OpenRecipient(record), code, codeExpires), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            // The exception type only: SMTP errors can quote the recipient address.
            LogCodeNotSent(logger, record.MessageId, exception.GetType().Name);
            await auditor.RecordAsync(PortalAuditResults.CodeSendFailed, record.MessageId, record, cancellationToken: cancellationToken).ConfigureAwait(false);
            return new PortalStep { Page = PortalPage.BirthDate, Problem = PortalProblem.CodeNotSent };
        }

        await auditor.RecordAsync(PortalAuditResults.CodeSent, record.MessageId, record, cancellationToken: cancellationToken).ConfigureAwait(false);
        return CodePage(record.MessageId);
    }

    /// <summary>Shows the code form, when the date of birth was confirmed in this browser.</summary>
    /// <param name="linkToken">The token from the pickup URL.</param>
    /// <param name="identityToken">The identity cookie from <see cref="SubmitBirthDateAsync"/>.</param>
    /// <param name="cancellationToken">Cancels the step.</param>
    /// <returns>The code page, the date-of-birth page when the cookie is missing, or a stop page.</returns>
    public async Task<PortalStep> ShowCodeFormAsync(string linkToken, string? identityToken, CancellationToken cancellationToken = default)
    {
        var (record, stop) = await AdmitAsync(linkToken, cancellationToken).ConfigureAwait(false);
        if (stop is not null)
        {
            return stop;
        }

        return HoldsToken(IdentityPurpose, identityToken, record!.MessageId)
            ? new PortalStep { Page = PortalPage.Code }
            : new PortalStep { Page = PortalPage.BirthDate, Problem = PortalProblem.SessionMissing };
    }

    /// <summary>Checks the one-time code; when right it is used up and a reading session starts.</summary>
    /// <param name="linkToken">The token from the pickup URL.</param>
    /// <param name="identityToken">The identity cookie from <see cref="SubmitBirthDateAsync"/>.</param>
    /// <param name="code">What the recipient typed.</param>
    /// <param name="cancellationToken">Cancels the step.</param>
    /// <returns>The message page with the session cookie, the form again with the problem, or a stop page.</returns>
    public async Task<PortalStep> SubmitCodeAsync(string linkToken, string? identityToken, string? code, CancellationToken cancellationToken = default)
    {
        var (record, stop) = await AdmitAsync(linkToken, cancellationToken).ConfigureAwait(false);
        if (stop is not null)
        {
            return stop;
        }

        if (!HoldsToken(IdentityPurpose, identityToken, record!.MessageId))
        {
            return new PortalStep { Page = PortalPage.BirthDate, Problem = PortalProblem.SessionMissing };
        }

        var now = timeProvider.GetUtcNow();
        if (record.CodeHash is null || record.CodeExpiresAt is not { } codeExpires || codeExpires <= now)
        {
            await auditor.RecordAsync(PortalAuditResults.CodeFailed, record.MessageId, record, cancellationToken: cancellationToken).ConfigureAwait(false);
            return new PortalStep { Page = PortalPage.BirthDate, Problem = PortalProblem.CodeExpired };
        }

        var typed = new string((code ?? "").Where(char.IsAsciiDigit).ToArray());
        if (typed.Length != 6 || !PortalCodeHash.Matches(record.CodeHash, record.MessageId, typed))
        {
            return await FailAsync(record, PortalPage.Code, PortalProblem.WrongCode, PortalAuditResults.CodeFailed, cancellationToken).ConfigureAwait(false);
        }

        if (!await store.ConsumeCodeAsync(record.MessageId, record.CodeHash, now, cancellationToken).ConfigureAwait(false))
        {
            // Used by a concurrent request a moment ago: one code, one session.
            await auditor.RecordAsync(PortalAuditResults.CodeFailed, record.MessageId, record, cancellationToken: cancellationToken).ConfigureAwait(false);
            return new PortalStep { Page = PortalPage.BirthDate, Problem = PortalProblem.CodeExpired };
        }

        return new PortalStep
        {
            Page = PortalPage.Message,
            SessionToken = tokens.Create(SessionPurpose, record.MessageId, options.SessionLifetime),
            SessionLifetime = options.SessionLifetime,
        };
    }

    /// <summary>Decrypts the message for a reading session (re-encrypting it under the active key if it is older).</summary>
    /// <param name="linkToken">The token from the pickup URL.</param>
    /// <param name="sessionToken">The session cookie from <see cref="SubmitCodeAsync"/>.</param>
    /// <param name="cancellationToken">Cancels the step.</param>
    /// <returns>The message page with its content, the date-of-birth page when the session is missing, or a stop page.</returns>
    public async Task<PortalStep> ReadAsync(string linkToken, string? sessionToken, CancellationToken cancellationToken = default)
    {
        var (record, stop) = await AdmitAsync(linkToken, cancellationToken).ConfigureAwait(false);
        if (stop is not null)
        {
            return stop;
        }

        if (!HoldsToken(SessionPurpose, sessionToken, record!.MessageId))
        {
            return new PortalStep { Page = PortalPage.BirthDate, Problem = PortalProblem.SessionMissing };
        }

        var content = sealer.OpenContent(record);
        if (sealer.NeedsRewrap(record))
        {
            await store.ReplaceCiphertextAsync(sealer.Rewrap(record), record.KeyId, cancellationToken).ConfigureAwait(false);
        }

        await auditor.RecordAsync(PortalAuditResults.Read, record.MessageId, record, cancellationToken: cancellationToken).ConfigureAwait(false);
        return new PortalStep { Page = PortalPage.Message, Content = content };
    }

    /// <summary>The link's message, or the page that stops the flow (audited).</summary>
    private async Task<(PortalRecord? Record, PortalStep? Stop)> AdmitAsync(string linkToken, CancellationToken cancellationToken)
    {
        var verdict = tokens.Validate(PortalMailbox.LinkPurpose, linkToken, out var messageId);
        if (verdict == TokenVerdict.Expired && GenuinePayload(linkToken) is { } expiredId)
        {
            var expired = await store.FindAsync(expiredId, cancellationToken).ConfigureAwait(false);
            await auditor.RecordAsync(PortalAuditResults.Expired, expiredId, expired, cancellationToken: cancellationToken).ConfigureAwait(false);
            return (null, new PortalStep { Page = PortalPage.Expired });
        }

        if (verdict != TokenVerdict.Valid)
        {
            LogBadLink(logger, verdict);
            return (null, new PortalStep { Page = PortalPage.NotFound });
        }

        var record = await store.FindAsync(messageId, cancellationToken).ConfigureAwait(false);
        var now = timeProvider.GetUtcNow();
        var (page, result) = record switch
        {
            null => (PortalPage.NotFound, PortalAuditResults.NotFound),
            { RetractedAt: not null } => (PortalPage.Retracted, PortalAuditResults.Retracted),
            _ when record.ExpiresAt <= now => (PortalPage.Expired, PortalAuditResults.Expired),
            { LockedUntil: { } until } when until > now => (PortalPage.Locked, PortalAuditResults.Locked),
            _ => (PortalPage.Message, null),
        };
        if (result is null)
        {
            return (record, null);
        }

        await auditor.RecordAsync(result, messageId, record, cancellationToken: cancellationToken).ConfigureAwait(false);
        return (null, new PortalStep { Page = page, LockedUntil = page == PortalPage.Locked ? record!.LockedUntil : null });
    }

    private async Task<PortalStep> FailAsync(PortalRecord record, PortalPage retry, PortalProblem problem, string auditResult, CancellationToken cancellationToken)
    {
        var now = timeProvider.GetUtcNow();
        var failure = await store.RecordFailureAsync(record.MessageId, now, options.MaxFailedAttempts, now + options.LockoutDuration, cancellationToken).ConfigureAwait(false);
        await auditor.RecordAsync(auditResult, record.MessageId, record, cancellationToken: cancellationToken).ConfigureAwait(false);
        if (failure.LockedUntil is { } until && until > now)
        {
            await auditor.RecordAsync(PortalAuditResults.Locked, record.MessageId, record, cancellationToken: cancellationToken).ConfigureAwait(false);
            return new PortalStep { Page = PortalPage.Locked, LockedUntil = until };
        }

        return new PortalStep { Page = retry, Problem = problem, AttemptsLeft = Math.Max(0, options.MaxFailedAttempts - failure.FailedAttempts) };
    }

    private PortalStep CodePage(string messageId) => new()
    {
        Page = PortalPage.Code,

        // Outlives the code on purpose: a late code is then refused as expired (audited), not as a lost session.
        SessionToken = tokens.Create(IdentityPurpose, messageId, options.SessionLifetime),
        SessionLifetime = options.SessionLifetime,
    };

    private bool HoldsToken(string purpose, string? token, string messageId) =>
        token is not null && tokens.Validate(purpose, token, out var boundTo) == TokenVerdict.Valid && boundTo == messageId;

    /// <summary>The message id of a link whose signature checked out but which has expired (the token service does not
    /// return payloads of expired tokens; this one is genuine, so reading it to audit the expiry is safe).</summary>
    private static string? GenuinePayload(string token)
    {
        var dot = token.IndexOf('.', StringComparison.Ordinal);
        try
        {
            return dot > 0 ? Encoding.UTF8.GetString(Base64Url.DecodeFromChars(token.AsSpan(0, dot))) : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }

    [LoggerMessage(EventId = 7101, Level = LogLevel.Information, Message = "Portal link refused: {Verdict}")]
    private static partial void LogBadLink(ILogger logger, TokenVerdict verdict);

    [LoggerMessage(EventId = 7103, Level = LogLevel.Warning, Message = "Portal identity check for message {MessageId} could not read the patient record: {ErrorType}")]
    private static partial void LogRecordUnavailable(ILogger logger, string messageId, string errorType);

    [LoggerMessage(EventId = 7102, Level = LogLevel.Warning, Message = "Portal code for message {MessageId} could not be sent: {ErrorType}")]
    private static partial void LogCodeNotSent(ILogger logger, string messageId, string errorType);
}
