namespace Automation.Engine.Outbox;

/// <summary>
/// A side effect an activity asks for (an email to deliver, say). It is committed in the same transaction as the
/// workflow step that produced it, and an <see cref="OutboxRelay"/> hands it to the <see cref="IOutboxHandler"/> for its
/// topic after the commit. A crash therefore never loses it, and the <see cref="Id"/> (an idempotency key) makes a
/// second commit of the same message a no-op.
/// </summary>
/// <param name="Id">The idempotency key: unique across the store; derive it deterministically (instance, activity, recipient).</param>
/// <param name="Topic">Which handler delivers it, such as <c>secure-send</c>.</param>
/// <param name="Payload">The handler's data. Encrypt anything sensitive before it gets here (see <c>PhiProtector</c>).</param>
public sealed record OutboxMessage(string Id, string Topic, byte[] Payload);
