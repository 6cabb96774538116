using Automation.Activities.Consent.Registry;

namespace Automation.Activities.Consent.Records;

/// <summary>
/// Where our opt-in/opt-out records live (table <c>consent_records</c>), on SQLite or PostgreSQL. Append-only: a change
/// of mind is a newer record. Reads are never cached, so a journey sees an opt-out at its very next check, whichever
/// node recorded it.
/// </summary>
public interface IConsentRecordStore
{
    /// <summary>Creates the table and index when missing. Safe to call repeatedly.</summary>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>A task.</returns>
    Task MigrateAsync(CancellationToken cancellationToken = default);

    /// <summary>Appends a record. Idempotent by record id: adding the same id again changes nothing.</summary>
    /// <param name="record">A valid record (see <see cref="ConsentRecord.Validate"/>).</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns><c>true</c> when stored, <c>false</c> when the id already existed.</returns>
    /// <exception cref="ArgumentException">The record is invalid; nothing is written.</exception>
    Task<bool> AddAsync(ConsentRecord record, CancellationToken cancellationToken = default);

    /// <summary>A patient's records, oldest first.</summary>
    /// <param name="patientId">The bare patient id.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The records.</returns>
    Task<IReadOnlyList<ConsentRecord>> ListAsync(string patientId, CancellationToken cancellationToken = default);

    /// <summary>Several patients' records in one round trip (audience screening), each list oldest first.</summary>
    /// <param name="patientIds">The bare patient ids.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The records of the patients that have any.</returns>
    Task<IReadOnlyDictionary<string, List<ConsentRecord>>> ListManyAsync(IReadOnlyCollection<string> patientIds, CancellationToken cancellationToken = default);
}
