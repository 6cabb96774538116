namespace Automation.Engine.Bookmarks;

/// <summary>The bookmark and trigger payload of <c>Elsa.Event</c>: the event name.</summary>
/// <param name="EventName">The event name.</param>
public sealed record EventPayload(string EventName);
