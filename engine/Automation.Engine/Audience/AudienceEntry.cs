using System.Security.Cryptography;
using System.Text;
using Automation.Engine.Definitions;
using Automation.Engine.Execution;
using Automation.Engine.Persistence;

namespace Automation.Engine.Audience;

/// <summary>
/// Starts a journey for a stream of patients (an audience from a segment, say) in batches: one store round trip per
/// batch for the re-entry checks and one transaction per batch for the new instances (binary COPY on PostgreSQL),
/// never a round trip per patient. Instance ids are derived from (run id, patient id), so a run restarted after a crash
/// recognises the instances it already created and neither duplicates an instance nor the messages it queued.
/// </summary>
public sealed class AudienceEntry(IWorkflowStore store, WorkflowRuntime runtime, TimeProvider timeProvider)
{
    /// <summary>Members per batch.</summary>
    public int BatchSize { get; init; } = 500;

    /// <summary>Where instances begin: the id of the journey's trigger activity when the audience stands in for its
    /// trigger (an appointment sweep starting a subscription-triggered reminder), or <c>null</c> for the start.</summary>
    public string? TriggerActivityId { get; init; }

    /// <summary>What instance ids are unique within: <c>null</c> means the run (one instance per member per run);
    /// a fixed scope such as the journey id means one instance per member ever, across daily runs.</summary>
    public string? InstanceScope { get; init; }

    /// <summary>Keeps members out before instances are created (consent, say), batch by batch; <c>null</c> admits all.</summary>
    public IAudienceScreen? Screen { get; init; }

    /// <summary>Runs (or resumes) an audience entry.</summary>
    /// <param name="runId">The run id; a run with this id that did not complete is resumed from its saved position.</param>
    /// <param name="definition">The published journey version.</param>
    /// <param name="members">The audience, in a stable order (a resumed run skips the first <see cref="AudienceRun.Position"/>).</param>
    /// <param name="progress">Told after every batch.</param>
    /// <param name="cancellationToken">Stops between batches; progress so far stays committed.</param>
    /// <returns>The final run record.</returns>
    /// <exception cref="InvalidOperationException">The run id belongs to another journey.</exception>
    public async Task<AudienceRun> RunAsync(string runId, WorkflowDefinition definition, IAsyncEnumerable<AudienceMember> members, IProgress<AudienceRun>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(runId);
        ArgumentNullException.ThrowIfNull(definition);
        ArgumentNullException.ThrowIfNull(members);
        var now = timeProvider.GetUtcNow();
        var run = await store.GetAudienceRunAsync(runId, cancellationToken).ConfigureAwait(false);
        if (run is not null && run.DefinitionId != definition.DefinitionId)
        {
            throw new InvalidOperationException($"Audience run '{runId}' belongs to journey '{run.DefinitionId}', not '{definition.DefinitionId}'.");
        }

        if (run is { Status: "completed" })
        {
            return run;
        }

        run = run is null
            ? AudienceRun.Begin(runId, definition, now)
            : run with { Status = "running", Error = null, UpdatedAt = now };
        await store.SaveAudienceRunAsync(run, cancellationToken).ConfigureAwait(false);

        var skipFirst = run.Position;
        long seen = 0;
        var batch = new List<AudienceMember>(BatchSize);
        Task<BatchCounts>? inFlight = null;
        IReadOnlySet<string>? inFlightMembers = null;
        try
        {
            await foreach (var member in members.WithCancellation(cancellationToken).ConfigureAwait(false))
            {
                if (seen++ < skipFirst)
                {
                    continue;
                }

                batch.Add(member);
                if (batch.Count == BatchSize)
                {
                    await EnterNextAsync(batch).ConfigureAwait(false);
                    batch = new List<AudienceMember>(BatchSize);
                }
            }

            if (batch.Count > 0)
            {
                await EnterNextAsync(batch).ConfigureAwait(false);
            }

            await RecordInFlightAsync().ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            // A batch that committed before the failure counts, so a resumed run does not read it again.
            await SettleAsync(inFlight).ConfigureAwait(false);
            if (inFlight is { IsCompletedSuccessfully: true })
            {
                Advance(inFlight.Result);
            }

            run = run.FailedWith(exception, timeProvider.GetUtcNow());
            await store.SaveAudienceRunAsync(run, CancellationToken.None).ConfigureAwait(false);
            throw;
        }
        catch (OperationCanceledException)
        {
            await SettleAsync(inFlight).ConfigureAwait(false);
            throw;
        }

        run = run with { Status = "completed", UpdatedAt = timeProvider.GetUtcNow() };
        await store.SaveAudienceRunAsync(run, cancellationToken).ConfigureAwait(false);
        progress?.Report(run);
        return run;

        // Two batches are in flight at once: the next one is checked, screened and run while the previous one commits,
        // so the database and the runs keep each other busy. The saved position still moves a whole batch at a time, in
        // order, once a batch has committed: a resumed run reads at most the two batches that were in flight again.
        async Task EnterNextAsync(List<AudienceMember> next)
        {
            var entering = EnterBatchAsync(run.RunId, definition, next, inFlight, inFlightMembers, cancellationToken);
            try
            {
                await RecordInFlightAsync().ConfigureAwait(false);
            }
            catch
            {
                await SettleAsync(entering).ConfigureAwait(false);
                throw;
            }

            inFlight = entering;
            inFlightMembers = next.Select(m => m.CorrelationId).ToHashSet(StringComparer.Ordinal);
        }

        async Task RecordInFlightAsync()
        {
            if (inFlight is null)
            {
                return;
            }

            var counts = await inFlight.ConfigureAwait(false);
            inFlight = null;
            Advance(counts);
            await store.SaveAudienceRunAsync(run, cancellationToken).ConfigureAwait(false);
            progress?.Report(run);
        }

        void Advance(BatchCounts counts) => run = run with
        {
            Position = run.Position + counts.Members,
            Entered = run.Entered + counts.Entered,
            Skipped = run.Skipped + counts.Skipped,
            Excluded = run.Excluded + counts.Excluded,
            UpdatedAt = timeProvider.GetUtcNow(),
        };
    }

    // Waits for a batch still in flight when the run stops, so none outlives the call; its own failure is not the one
    // the caller hears of.
    private static async Task SettleAsync(Task? entering)
    {
        if (entering is not null)
        {
            await entering.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    /// <summary>The instance id an audience gives a member: stable, so a resumed run finds what it created before.</summary>
    /// <param name="scope">The run id, or the <see cref="InstanceScope"/>.</param>
    /// <param name="correlationId">The member's correlation id.</param>
    /// <returns>The instance id.</returns>
    public static string InstanceIdFor(string scope, string correlationId) =>
        "aud-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(scope + "\n" + correlationId)))[..24];

    private async Task<BatchCounts> EnterBatchAsync(string runId, WorkflowDefinition definition, List<AudienceMember> batch, Task? inFlight, IReadOnlySet<string>? inFlightMembers, CancellationToken cancellationToken)
    {
        var unique = batch.DistinctBy(m => m.CorrelationId, StringComparer.Ordinal).ToList();

        // A member also in the batch still in flight must see that batch's instances in the re-entry check.
        if (inFlight is not null && unique.Exists(m => inFlightMembers!.Contains(m.CorrelationId)))
        {
            await SettleAsync(inFlight).ConfigureAwait(false);
        }

        var ids = unique.ConvertAll(m => InstanceIdFor(InstanceScope ?? runId, m.CorrelationId));
        var existing = await store.FindExistingInstanceIdsAsync(ids, cancellationToken).ConfigureAwait(false);
        var active = await store.FindActiveCorrelationIdsAsync(definition.DefinitionId, unique.ConvertAll(m => m.CorrelationId), cancellationToken).ConfigureAwait(false);
        var admissible = new List<(AudienceMember Member, string InstanceId)>(unique.Count);
        for (var i = 0; i < unique.Count; i++)
        {
            if (!existing.Contains(ids[i]) && !active.Contains(unique[i].CorrelationId))
            {
                admissible.Add((unique[i], ids[i]));
            }
        }

        var excluded = Screen is null || admissible.Count == 0
            ? (IReadOnlySet<string>)new HashSet<string>()
            : await Screen.ExcludeAsync(definition, TriggerActivityId, admissible.ConvertAll(a => a.Member), cancellationToken).ConfigureAwait(false);
        var starts = admissible
            .Where(a => !excluded.Contains(a.Member.CorrelationId))
            .Select(a => new StartWorkflowOptions { InstanceId = a.InstanceId, CorrelationId = a.Member.CorrelationId, Input = a.Member.Input, TriggerActivityId = TriggerActivityId })
            .ToList();

        if (starts.Count > 0)
        {
            await runtime.StartBatchAsync(definition, starts, cancellationToken).ConfigureAwait(false);
        }

        return new BatchCounts(batch.Count, starts.Count, batch.Count - admissible.Count, admissible.Count - starts.Count);
    }

    private readonly record struct BatchCounts(int Members, int Entered, int Skipped, int Excluded);
}
