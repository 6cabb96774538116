using System.Security.Cryptography;
using Automation.Activities.Consent.Records;
using Automation.Activities.Fhir.Patients;
using Automation.Engine.Audit;
using Automation.Engine.Persistence;

namespace Automation.Activities.Consent.Registry;

/// <summary>
/// The consent registry: our opt-in/opt-out records (read fresh on every check, never cached, so an unsubscribe is seen
/// by the very next check on any node) combined with the patient's FHIR Consent facts by
/// <see cref="ConsentEvaluator"/>. Checks made at the same time (the instances of a batch) share one read of their
/// records. Recording is audited as <see cref="AuditActions.ConsentRecorded"/>.
/// </summary>
public sealed class ConsentRegistry
{
    private readonly IConsentRecordStore store;
    private readonly TimeProvider timeProvider;
    private readonly IAuditLog audit;
    private readonly PatientIdHasher hasher;
    private readonly RequestCoalescer<string, IReadOnlyList<ConsentRecord>> recordReads;

    /// <summary>Creates the registry.</summary>
    /// <param name="store">The record store (migrated).</param>
    /// <param name="timeProvider">The clock checks are made at.</param>
    /// <param name="audit">Where recordings are audited.</param>
    /// <param name="hasher">Hashes patient ids for the audit log.</param>
    public ConsentRegistry(IConsentRecordStore store, TimeProvider timeProvider, IAuditLog audit, PatientIdHasher hasher)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentNullException.ThrowIfNull(audit);
        ArgumentNullException.ThrowIfNull(hasher);
        this.store = store;
        this.timeProvider = timeProvider;
        this.audit = audit;
        this.hasher = hasher;
        recordReads = new RequestCoalescer<string, IReadOnlyList<ConsentRecord>>(ReadRecordsAsync);
    }

    /// <summary>Decides a check now, from <paramref name="consents"/> and the patient's stored records.</summary>
    /// <param name="patientId">The patient id or reference.</param>
    /// <param name="consents">The patient's FHIR Consent facts (from the patient context).</param>
    /// <param name="purpose">The purpose, such as <c>marketing</c>.</param>
    /// <param name="channel">The channel, such as <c>email</c>.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The decision.</returns>
    /// <exception cref="ArgumentException">The patient id is empty, or the purpose or channel is malformed.</exception>
    public async Task<ConsentDecision> CheckAsync(string patientId, IReadOnlyList<ConsentFact> consents, string purpose, string channel, CancellationToken cancellationToken = default)
    {
        var records = await recordReads.ExecuteAsync(BareId(patientId), cancellationToken).ConfigureAwait(false);
        return ConsentEvaluator.Decide(purpose, channel, consents, records, timeProvider.GetUtcNow());
    }

    /// <summary>Decides many checks at once with one read of the records (audience screening).</summary>
    /// <param name="patients">Bare patient ids with their FHIR Consent facts.</param>
    /// <param name="purpose">The purpose.</param>
    /// <param name="channel">The channel.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The decisions, in the order of <paramref name="patients"/>.</returns>
    public async Task<IReadOnlyList<ConsentDecision>> CheckManyAsync(IReadOnlyList<(string PatientId, IReadOnlyList<ConsentFact> Consents)> patients, string purpose, string channel, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(patients);
        var records = await store.ListManyAsync(patients.Select(p => p.PatientId).Distinct(StringComparer.Ordinal).ToList(), cancellationToken).ConfigureAwait(false);
        var now = timeProvider.GetUtcNow();
        return patients.Select(p => ConsentEvaluator.Decide(purpose, channel, p.Consents, records.TryGetValue(p.PatientId, out var list) ? list : [], now)).ToList();
    }

    private async Task<IReadOnlyList<IReadOnlyList<ConsentRecord>>> ReadRecordsAsync(IReadOnlyList<string> patientIds, CancellationToken cancellationToken)
    {
        var found = await store.ListManyAsync(patientIds.Distinct(StringComparer.Ordinal).ToList(), cancellationToken).ConfigureAwait(false);
        return [.. patientIds.Select(id => found.TryGetValue(id, out var list) ? (IReadOnlyList<ConsentRecord>)list : [])];
    }

    /// <summary>The patient's records, oldest first.</summary>
    /// <param name="patientId">The patient id or reference.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The records.</returns>
    public Task<IReadOnlyList<ConsentRecord>> ListAsync(string patientId, CancellationToken cancellationToken = default) =>
        store.ListAsync(BareId(patientId), cancellationToken);

    /// <summary>Records an opt-in or opt-out now and audits it. Effective for every later check at once.</summary>
    /// <param name="patientId">The patient id or reference.</param>
    /// <param name="purpose">The purpose.</param>
    /// <param name="channel">The channel (<c>all</c> for every channel).</param>
    /// <param name="kind">Opt-in or opt-out.</param>
    /// <param name="source">Where it came from, see <see cref="ConsentSources"/>.</param>
    /// <param name="actor">Who recorded it for the audit log: <c>patient</c>, a user id, or <c>system</c>.</param>
    /// <param name="messageId">The message whose link was used, if any (audited).</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The stored record.</returns>
    /// <exception cref="ArgumentException">A field is invalid (the message names it); nothing is written.</exception>
    public async Task<ConsentRecord> RecordAsync(string patientId, string purpose, string channel, ConsentRecordKind kind, string source, string actor, string? messageId = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(patientId);
        ArgumentException.ThrowIfNullOrEmpty(actor);
        var record = new ConsentRecord
        {
            RecordId = "cr-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12)),
            PatientId = BareId(patientId),
            Purpose = purpose,
            Channel = channel,
            Kind = kind,
            RecordedAt = timeProvider.GetUtcNow(),
            Source = source,
        };
        if (record.Validate() is { } problem)
        {
            throw new ArgumentException("Invalid consent record: " + problem);
        }

        await store.AddAsync(record, cancellationToken).ConfigureAwait(false);
        await audit.AppendAsync(new AuditEntry
        {
            Action = AuditActions.ConsentRecorded,
            Actor = actor,
            Result = ConsentRecord.KindName(kind),
            MessageId = messageId,
            PatientHash = hasher.Hash(record.PatientId),
            Details = new Dictionary<string, string>
            {
                ["recordId"] = record.RecordId, ["purpose"] = purpose, ["channel"] = channel, ["source"] = source,
            },
        }, cancellationToken).ConfigureAwait(false);
        return record;
    }

    internal static string BareId(string patientId)
    {
        ArgumentException.ThrowIfNullOrEmpty(patientId);
        return patientId.StartsWith("Patient/", StringComparison.Ordinal) ? patientId["Patient/".Length..] : patientId;
    }
}
