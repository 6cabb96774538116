namespace Automation.Engine.Audience;

/// <summary>One patient entering a journey in an audience entry.</summary>
/// <param name="PatientId">The patient id; it becomes the instance's correlation id (re-entry is judged by it).</param>
/// <param name="Input">The workflow input for this patient (such as <c>patientId</c>).</param>
public sealed record AudienceMember(string PatientId, IReadOnlyDictionary<string, object?> Input);
