namespace Automation.Engine.Execution;

/// <summary>An event an activity published; dispatched after the step that published it commits.</summary>
/// <param name="EventName">The event name.</param>
/// <param name="CorrelationId">Restricts which instances are resumed.</param>
/// <param name="Payload">Handed to resumed activities.</param>
public sealed record PublishedEvent(string EventName, string? CorrelationId, object? Payload);
