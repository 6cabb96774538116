namespace Automation.Engine.Outbox;

/// <summary>What a handler did with one outbox item.</summary>
public abstract record OutboxResult
{
    private OutboxResult()
    {
    }

    /// <summary>The effect happened (the SMTP server acknowledged it); never attempt it again.</summary>
    public static OutboxResult Done { get; } = new DoneResult();

    /// <summary>A transient failure: try again at <paramref name="at"/>.</summary>
    /// <param name="at">When to try again.</param>
    /// <param name="reason">Why, without PHI.</param>
    /// <returns>The result.</returns>
    public static OutboxResult RetryAt(DateTimeOffset at, string reason) => new RetryResult(at, reason);

    /// <summary>A permanent failure (a bounce): stop trying and keep the reason.</summary>
    /// <param name="reason">Why, without PHI.</param>
    /// <returns>The result.</returns>
    public static OutboxResult Dead(string reason) => new DeadResult(reason);

    /// <summary>Delivered.</summary>
    public sealed record DoneResult : OutboxResult;

    /// <summary>Try again later.</summary>
    /// <param name="At">When.</param>
    /// <param name="Reason">Why.</param>
    public sealed record RetryResult(DateTimeOffset At, string Reason) : OutboxResult;

    /// <summary>Given up.</summary>
    /// <param name="Reason">Why.</param>
    public sealed record DeadResult(string Reason) : OutboxResult;
}
