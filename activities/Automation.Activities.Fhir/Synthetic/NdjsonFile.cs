namespace Automation.Activities.Fhir.Synthetic;

/// <summary>The files of a synthetic population, one per resource type (FHIR Bulk Data NDJSON) plus engagement events.</summary>
public enum NdjsonFile
{
    /// <summary><c>Patient.ndjson</c>.</summary>
    Patient,

    /// <summary><c>Condition.ndjson</c>.</summary>
    Condition,

    /// <summary><c>Observation.ndjson</c>.</summary>
    Observation,

    /// <summary><c>MedicationRequest.ndjson</c>.</summary>
    MedicationRequest,

    /// <summary><c>Immunization.ndjson</c>.</summary>
    Immunization,

    /// <summary><c>Appointment.ndjson</c>.</summary>
    Appointment,

    /// <summary><c>Encounter.ndjson</c>.</summary>
    Encounter,

    /// <summary><c>Coverage.ndjson</c>.</summary>
    Coverage,

    /// <summary><c>Consent.ndjson</c>.</summary>
    Consent,

    /// <summary><c>Engagement.ndjson</c>: our own behavioural events, not FHIR.</summary>
    Engagement,
}

/// <summary>Names of the <see cref="NdjsonFile"/> values.</summary>
public static class NdjsonFiles
{
    /// <summary>Every file, in the order they are reported.</summary>
    public static IReadOnlyList<NdjsonFile> All { get; } = Enum.GetValues<NdjsonFile>();

    /// <summary>The file name, e.g. <c>Patient.ndjson</c>.</summary>
    /// <param name="file">The file.</param>
    /// <returns>The name.</returns>
    public static string FileName(NdjsonFile file) => file + ".ndjson";
}
