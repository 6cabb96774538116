namespace Automation.Activities.Consent.Registry;

/// <summary>One of our own opt-in or opt-out records. Records are never updated: a change of mind is a newer record,
/// and the latest one for a (purpose, channel) wins.</summary>
public sealed record ConsentRecord
{
    /// <summary>The record id (the evidence a consent check cites).</summary>
    public required string RecordId { get; init; }

    /// <summary>The patient id (without the <c>Patient/</c> prefix).</summary>
    public required string PatientId { get; init; }

    /// <summary>The purpose, see <see cref="ConsentPurposes"/>.</summary>
    public required string Purpose { get; init; }

    /// <summary>The channel, see <see cref="ConsentChannels"/> (<c>all</c> speaks for every channel).</summary>
    public required string Channel { get; init; }

    /// <summary>Opt-in or opt-out.</summary>
    public required ConsentRecordKind Kind { get; init; }

    /// <summary>When the patient expressed it.</summary>
    public required DateTimeOffset RecordedAt { get; init; }

    /// <summary>Where it came from, see <see cref="ConsentSources"/>.</summary>
    public required string Source { get; init; }

    /// <summary>Checks the fields and returns the first problem, naming the field; <c>null</c> when valid.</summary>
    /// <returns>The problem, or <c>null</c>.</returns>
    public string? Validate() =>
        string.IsNullOrWhiteSpace(RecordId) ? "recordId is required."
        : string.IsNullOrWhiteSpace(PatientId) || PatientId.Contains('/', StringComparison.Ordinal) ? "patientId is required and must be a bare id (no 'Patient/' prefix)."
        : !ConsentPurposes.IsValid(Purpose) ? "purpose must be a lower-case token such as 'marketing' or 'treatment'."
        : !ConsentChannels.IsValid(Channel) ? "channel must be 'email', 'sms' or 'all'."
        : !Enum.IsDefined(Kind) ? "kind must be 'opt-in' or 'opt-out'."
        : !ConsentSources.IsValid(Source) ? "source must be 'unsubscribe-link', 'preference-page', 'api' or 'import'."
        : null;

    /// <summary>The wire name of a kind: <c>opt-in</c> or <c>opt-out</c>.</summary>
    /// <param name="kind">The kind.</param>
    /// <returns>The name.</returns>
    public static string KindName(ConsentRecordKind kind) => kind == ConsentRecordKind.OptIn ? "opt-in" : "opt-out";

    /// <summary>Parses <c>opt-in</c> or <c>opt-out</c>.</summary>
    /// <param name="name">The name.</param>
    /// <param name="kind">The kind.</param>
    /// <returns>Whether it parsed.</returns>
    public static bool TryParseKind(string? name, out ConsentRecordKind kind)
    {
        kind = name == "opt-out" ? ConsentRecordKind.OptOut : ConsentRecordKind.OptIn;
        return name is "opt-in" or "opt-out";
    }
}
