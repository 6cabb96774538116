using System.Collections.Concurrent;
using System.Diagnostics;
using Automation.Engine.Outbox;

namespace Automation.Cli.Campaign;

/// <summary>
/// Per-message latency from the relay's claim of an outbox message (the handler is called right after the claim) to
/// the SMTP server's receipt, matched by Message-ID (<c>&lt;outbox id@domain&gt;</c>). Keeps one float per message,
/// never the message bytes.
/// </summary>
internal sealed class LatencyRecorder
{
    private readonly ConcurrentDictionary<string, long> claimed = new(StringComparer.Ordinal);
    private readonly List<float> samples = [];
    private readonly Lock gate = new();

    public void Claimed(IReadOnlyList<OutboxItem> items)
    {
        var now = Stopwatch.GetTimestamp();
        foreach (var item in items)
        {
            claimed.TryAdd(item.Id, now);
        }
    }

    public void Received(string? messageId)
    {
        if (messageId is null)
        {
            return;
        }

        var at = messageId.LastIndexOf('@');
        var id = at > 0 ? messageId[..at] : messageId;
        if (claimed.TryRemove(id, out var start))
        {
            var milliseconds = (float)Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            lock (gate)
            {
                samples.Add(milliseconds);
            }
        }
    }

    public int Count
    {
        get
        {
            lock (gate)
            {
                return samples.Count;
            }
        }
    }

    public double Percentile(double p)
    {
        float[] sorted;
        lock (gate)
        {
            sorted = [.. samples];
        }

        if (sorted.Length == 0)
        {
            return 0;
        }

        Array.Sort(sorted);
        var index = (int)Math.Ceiling(p / 100 * sorted.Length) - 1;
        return sorted[Math.Clamp(index, 0, sorted.Length - 1)];
    }
}

/// <summary>Wraps the secure-send handler to stamp the claim time of every message it is given.</summary>
internal sealed class TimedOutboxHandler(IOutboxHandler inner, LatencyRecorder latency) : IOutboxHandler
{
    public string Topic => inner.Topic;

    public Task<IReadOnlyList<OutboxResult>> HandleAsync(IReadOnlyList<OutboxItem> items, CancellationToken cancellationToken)
    {
        latency.Claimed(items);
        return inner.HandleAsync(items, cancellationToken);
    }
}
