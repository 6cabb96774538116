namespace Automation.Activities.SecureSend.Tracking;

/// <summary>The bookmark payload of <see cref="WaitForEngagement"/> and the stimulus the recorder sends: a message
/// and the kind of engagement (<c>open</c> or <c>click</c>), so resuming is a hash lookup by message id.</summary>
/// <param name="MessageId">The message id.</param>
/// <param name="Type"><c>open</c> or <c>click</c>.</param>
public sealed record EngagementPayload(string MessageId, string Type);
