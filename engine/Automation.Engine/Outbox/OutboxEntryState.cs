namespace Automation.Engine.Outbox;

/// <summary>Where an outbox message stands.</summary>
/// <param name="Id">The idempotency key.</param>
/// <param name="Topic">The topic.</param>
/// <param name="Status"><c>pending</c>, <c>done</c> or <c>dead</c>.</param>
/// <param name="Attempts">Delivery attempts so far.</param>
/// <param name="LastError">The last retry or dead reason.</param>
/// <param name="CompletedAt">When it was done or given up.</param>
public sealed record OutboxEntryState(string Id, string Topic, string Status, int Attempts, string? LastError, DateTimeOffset? CompletedAt);
