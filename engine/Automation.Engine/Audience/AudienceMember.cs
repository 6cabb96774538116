namespace Automation.Engine.Audience;

/// <summary>One entry of an audience: a patient entering a journey (or an appointment entering a reminder journey).</summary>
/// <param name="CorrelationId">The instance's correlation id (the patient id for segment audiences, the appointment id for
/// appointment sweeps); re-entry is judged by it.</param>
/// <param name="Input">The workflow input for this entry (such as <c>patientId</c>).</param>
public sealed record AudienceMember(string CorrelationId, IReadOnlyDictionary<string, object?> Input);
