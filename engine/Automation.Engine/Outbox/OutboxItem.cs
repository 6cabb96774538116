namespace Automation.Engine.Outbox;

/// <summary>A stored outbox message claimed by the relay for one delivery attempt.</summary>
/// <param name="Id">The idempotency key.</param>
/// <param name="Topic">The handler's topic.</param>
/// <param name="Payload">The handler's data.</param>
/// <param name="InstanceId">The workflow instance that produced it (empty when queued outside a workflow).</param>
/// <param name="Attempt">This attempt's number, from 1.</param>
/// <param name="CreatedAt">When it was committed.</param>
public sealed record OutboxItem(string Id, string Topic, byte[] Payload, string InstanceId, int Attempt, DateTimeOffset CreatedAt);
