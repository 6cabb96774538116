namespace Automation.Activities.Fhir.Sources;

/// <summary>
/// What one workflow run has already read from the patient data source (patient contexts, appointments), so a run
/// that reads the same patient or appointment twice asks the FHIR server once. Held in memory only (never written to
/// disk: it holds PHI) and only briefly: an entry belongs to one workflow instance and lives <see cref="RunLifetime"/>,
/// so a journey resumed hours later reads fresh data. At most <see cref="MaxRuns"/> runs are held; the oldest go first.
/// Failures are not cached.
/// </summary>
public sealed class FhirRunCache(TimeProvider? timeProvider = null)
{
    /// <summary>How long a run's reads are reused: a run (start to suspension) takes seconds, not minutes.</summary>
    public static readonly TimeSpan RunLifetime = TimeSpan.FromMinutes(2);

    /// <summary>How many runs' reads are held at most.</summary>
    public const int MaxRuns = 1024;

    private const int MaxEntriesPerRun = 64;

    /// <summary>Keeps nothing (hosts that register a patient source without <c>AddFhirPatientData</c>, e.g. the CLI).</summary>
    internal static readonly FhirRunCache None = new(maxRuns: 0);

    private readonly int maxRuns = MaxRuns;

    private FhirRunCache(int maxRuns)
        : this((TimeProvider?)null) => this.maxRuns = maxRuns;

    private readonly TimeProvider time = timeProvider ?? TimeProvider.System;
    private readonly Lock sync = new();
    private readonly Dictionary<string, Run> runs = new(StringComparer.Ordinal);
    private readonly Queue<(string InstanceId, Run Run)> order = new();

    /// <summary>The value read earlier in this run under <paramref name="key"/>, or <paramref name="load"/>'s result (then kept).</summary>
    /// <typeparam name="T">The value type.</typeparam>
    /// <param name="instanceId">The workflow instance whose run reads.</param>
    /// <param name="key">What is read, e.g. <c>Patient/123</c>.</param>
    /// <param name="load">Reads it from the source.</param>
    /// <returns>The value (a cached <c>null</c> means "not found" was read).</returns>
    public async Task<T?> GetOrLoadAsync<T>(string instanceId, string key, Func<Task<T?>> load)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(load);
        var now = time.GetUtcNow();
        lock (sync)
        {
            if (runs.TryGetValue(instanceId, out var run) && run.Expires > now && run.Values.TryGetValue(key, out var cached))
            {
                return (T?)cached;
            }
        }

        var value = await load().ConfigureAwait(false);
        if (maxRuns == 0)
        {
            return value;
        }

        lock (sync)
        {
            if (!runs.TryGetValue(instanceId, out var run) || run.Expires <= now)
            {
                runs.Remove(instanceId);
                run = new Run(now + RunLifetime);
                runs[instanceId] = run;
                order.Enqueue((instanceId, run));
                Evict(now);
            }

            if (run.Values.Count < MaxEntriesPerRun)
            {
                run.Values[key] = value;
            }
        }

        return value;
    }

    private void Evict(DateTimeOffset now)
    {
        while (order.TryPeek(out var oldest) && (order.Count > maxRuns || oldest.Run.Expires <= now || !ReferenceEquals(runs.GetValueOrDefault(oldest.InstanceId), oldest.Run)))
        {
            order.Dequeue();
            if (ReferenceEquals(runs.GetValueOrDefault(oldest.InstanceId), oldest.Run))
            {
                runs.Remove(oldest.InstanceId);
            }
        }
    }

    private sealed class Run(DateTimeOffset expires)
    {
        public DateTimeOffset Expires { get; } = expires;

        public Dictionary<string, object?> Values { get; } = new(StringComparer.Ordinal);
    }
}
