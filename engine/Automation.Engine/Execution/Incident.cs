namespace Automation.Engine.Execution;

/// <summary>An activity failure recorded on the instance.</summary>
/// <param name="ActivityId">The failing activity.</param>
/// <param name="ActivityType">Its type name.</param>
/// <param name="Message">What failed (expression errors name the input); never patient data.</param>
/// <param name="Timestamp">When.</param>
public sealed record Incident(string ActivityId, string ActivityType, string Message, DateTimeOffset Timestamp);
