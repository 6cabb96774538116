namespace Automation.Activities.Fhir.Synthetic;

/// <summary>What <see cref="SyntheticPopulation"/> generates and where it writes it.</summary>
public sealed record SyntheticOptions
{
    /// <summary>The number of patients to generate (at least 1).</summary>
    public required int PatientCount { get; init; }

    /// <summary>The seed; the same seed and options give the same bytes.</summary>
    public int Seed { get; init; } = 1;

    /// <summary>The directory that receives one NDJSON file per resource type (created when missing).</summary>
    public required string OutputDirectory { get; init; }

    /// <summary>The reference date: ages, past and future dates are relative to it (midnight UTC).</summary>
    public DateOnly Today { get; init; } = new(2026, 11, 27);
}
