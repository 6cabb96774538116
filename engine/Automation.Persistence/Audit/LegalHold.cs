namespace Automation.Persistence.Audit;

/// <summary>
/// A legal hold: audit records it covers are never purged, whatever their age. A hold covers a record when every
/// criterion it names matches: the record's time is within [<see cref="From"/>, <see cref="To"/>), its instance is
/// <see cref="InstanceId"/>, its patient hash is <see cref="PatientHash"/>. At least one criterion is required.
/// </summary>
public sealed record LegalHold
{
    /// <summary>The hold's id (chosen by whoever places it, such as a case number).</summary>
    public required string Id { get; init; }

    /// <summary>Why the records are held. Free of PHI: it is shown to operators.</summary>
    public required string Reason { get; init; }

    /// <summary>The earliest record time held (inclusive), or none.</summary>
    public DateTimeOffset? From { get; init; }

    /// <summary>The latest record time held (exclusive), or none.</summary>
    public DateTimeOffset? To { get; init; }

    /// <summary>Only records of this workflow instance, or any.</summary>
    public string? InstanceId { get; init; }

    /// <summary>Only records of this patient (the keyed hash, never the id), or any.</summary>
    public string? PatientHash { get; init; }

    /// <summary>Who placed the hold (a user id).</summary>
    public required string CreatedBy { get; init; }

    /// <summary>When the hold was placed.</summary>
    public required DateTimeOffset CreatedAt { get; init; }
}
