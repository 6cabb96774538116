namespace Automation.Engine.Outbox;

/// <summary>How the outbox relay paces itself.</summary>
public sealed class OutboxRelayOptions
{
    /// <summary>Items claimed per pass.</summary>
    public int BatchSize { get; set; } = 256;

    /// <summary>How many handler calls run at once (each gets a share of the batch).</summary>
    public int Parallelism { get; set; } = 4;

    /// <summary>How long a claim holds before another pass may take the item again (longer than any delivery).</summary>
    public TimeSpan Lease { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>The longest sleep between passes when no commit signals new work.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Attempts before a transiently failing item is given up as dead.</summary>
    public int MaxAttempts { get; set; } = 10;

    /// <summary>Back-off after a handler throws: 2^attempt seconds, at most 10 minutes.</summary>
    /// <param name="attempt">The attempt that failed.</param>
    /// <returns>The delay.</returns>
    public TimeSpan RetryDelay(int attempt) => TimeSpan.FromSeconds(Math.Min(600, Math.Pow(2, Math.Min(attempt, 10))));
}
