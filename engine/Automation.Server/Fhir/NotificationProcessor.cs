using System.Security.Cryptography;
using System.Text;
using Automation.Activities.Fhir.Activities;
using Automation.Activities.Fhir.Sources;
using Automation.Engine.Execution;
using Automation.Engine.Expressions;
using Automation.Engine.Persistence;
using Automation.Persistence.Notifications;

namespace Automation.Server.Fhir;

/// <summary>
/// Drains the notification inbox in batches: resolves each event's focus resource (re-reading it from the FHIR source
/// for id-only payloads; for empty payloads searching what changed) and starts one instance per matching
/// <c>FhirSubscriptionTrigger</c>. The instance id is
/// derived from (definition version, subscription, event), so an event processed twice after a crash hits the store's
/// duplicate check instead of starting a second journey.
/// </summary>
internal sealed partial class NotificationProcessor(
    INotificationInbox inbox,
    IWorkflowStore store,
    WorkflowInvoker invoker,
    WorkflowRuntime runtime,
    IPatientDataSource source,
    NotificationSignal signal,
    TimeProvider time,
    ILogger<NotificationProcessor> logger) : BackgroundService
{
    // How far back the first `empty` notification after a start searches (later ones search from the previous one).
    private static readonly TimeSpan EmptyLookback = TimeSpan.FromHours(1);

    // Allows for the FHIR server's clock running behind ours; re-finding a resource version is harmless (dedupe).
    private static readonly TimeSpan ClockSkew = TimeSpan.FromMinutes(1);

    private const int BatchSize = 200;

    // Small against the 100 ms target from notification to journey start.
    private static readonly TimeSpan CollectDelay = TimeSpan.FromMilliseconds(10);

    private readonly Dictionary<string, DateTimeOffset> searchedUpTo = new(StringComparer.Ordinal);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                // Everything pending is handled as one batch: the starts of a journey commit together and the
                // batch is marked processed in one statement, so a burst costs a few transactions, not two per event.
                var pending = await inbox.PendingAsync(BatchSize, stoppingToken).ConfigureAwait(false);
                if (pending.Count == 0)
                {
                    await signal.WaitAsync(TimeSpan.FromSeconds(1), stoppingToken).ConfigureAwait(false);
                    continue;
                }

                var outcomes = await ProcessAsync(pending, stoppingToken).ConfigureAwait(false);
                await inbox.CompleteAsync(outcomes, time.GetUtcNow(), stoppingToken).ConfigureAwait(false);

                // Under a steady stream, let a few more events arrive before the next batch: each batch costs write
                // transactions that the endpoint's own writes would otherwise queue behind, one or two events at a time.
                if (pending.Count < BatchSize)
                {
                    await Task.Delay(CollectDelay, stoppingToken).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception exception) when (exception is not OutOfMemoryException)
            {
                LogFailed(exception.GetType().Name);
                await Task.Delay(TimeSpan.FromSeconds(1), stoppingToken).ConfigureAwait(false);
            }
        }
    }

    private async Task<List<NotificationOutcome>> ProcessAsync(IReadOnlyList<FhirNotification> pending, CancellationToken cancellationToken)
    {
        var outcomes = new List<NotificationOutcome>(pending.Count);
        var starts = new Dictionary<string, (Automation.Engine.Definitions.WorkflowDefinition Definition, List<StartWorkflowOptions> Options)>(StringComparer.Ordinal);
        var starting = new HashSet<string>(StringComparer.Ordinal);
        var triggers = await SubscriptionTriggersAsync(cancellationToken).ConfigureAwait(false);
        foreach (var notification in pending)
        {
            var (resources, error) = await ResolveAsync(notification, triggers, cancellationToken).ConfigureAwait(false);
            outcomes.Add(new NotificationOutcome(notification.Id, error));
            foreach (var (resource, dedupeKey) in resources)
            {
                var resourceType = resource.GetValueOrDefault("resourceType") as string ?? "";
                var reference = $"{resourceType}/{resource.GetValueOrDefault("id")}";

                // A journey this batch starts for the same resource must exist before the resume looks for it.
                if (starting.Contains(reference))
                {
                    await StartQueuedAsync(starts, cancellationToken).ConfigureAwait(false);
                    starting.Clear();
                }

                // Journeys already waiting on this resource resume first (by bookmark hash and correlation id).
                await runtime.ResumeWaitingAsync("Healthcare.WaitForFhirNotification", new FhirNotificationPayload(notification.Subscription, resourceType), reference, resource, cancellationToken).ConfigureAwait(false);
                foreach (var (definition, trigger, payload) in triggers)
                {
                    if (payload.Subscription != notification.Subscription || payload.ResourceType != resourceType || !payload.Matches(resource))
                    {
                        continue;
                    }

                    var instanceId = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(
                        $"{definition.Id}\n{trigger.ActivityId}\n{notification.Subscription}\n{dedupeKey}")))[..32];
                    if (!starts.TryGetValue(definition.Id, out var group))
                    {
                        starts[definition.Id] = group = (definition, []);
                    }

                    starting.Add(reference);
                    group.Options.Add(new StartWorkflowOptions
                    {
                        InstanceId = instanceId,
                        TriggerActivityId = trigger.ActivityId,
                        CorrelationId = reference,
                        Input = new Dictionary<string, object?> { ["resource"] = resource },
                    });
                }
            }
        }

        await StartQueuedAsync(starts, cancellationToken).ConfigureAwait(false);
        return outcomes;
    }

    private async Task StartQueuedAsync(Dictionary<string, (Automation.Engine.Definitions.WorkflowDefinition Definition, List<StartWorkflowOptions> Options)> starts, CancellationToken cancellationToken)
    {
        foreach (var (definition, options) in starts.Values)
        {
            await StartAllAsync(definition, options, cancellationToken).ConfigureAwait(false);
        }

        starts.Clear();
    }

    // One commit for the batch's instances of a journey; when one of them exists already (an event processed again
    // after a crash), one by one so the others still start: exactly once either way.
    private async Task StartAllAsync(Automation.Engine.Definitions.WorkflowDefinition definition, List<StartWorkflowOptions> options, CancellationToken cancellationToken)
    {
        var unique = options.DistinctBy(o => o.InstanceId).ToList();
        try
        {
            await runtime.StartBatchAsync(definition, unique, cancellationToken).ConfigureAwait(false);
            foreach (var start in unique)
            {
                LogStarted(definition.DefinitionId, start.InstanceId!);
            }

            return;
        }
        catch (WorkflowConcurrencyException)
        {
        }

        foreach (var start in unique)
        {
            try
            {
                await runtime.StartAsync(definition, start, cancellationToken).ConfigureAwait(false);
                LogStarted(definition.DefinitionId, start.InstanceId!);
            }
            catch (WorkflowConcurrencyException)
            {
                // Already started from this event before a restart: exactly once.
            }
        }
    }

    // The resources an event is about, each with the key that makes its journey start once: the carried resource
    // (full-resource), the re-read focus (id-only), or for `empty` payloads whatever the FHIR server reports as changed.
    private async Task<(List<(Dictionary<string, object?> Resource, string DedupeKey)> Resources, string? Error)> ResolveAsync(
        FhirNotification notification, List<(Automation.Engine.Definitions.WorkflowDefinition Definition, WorkflowTrigger Trigger, FhirSubscriptionTriggerPayload Payload)> triggers,
        CancellationToken cancellationToken)
    {
        var json = notification.ResourceJson;
        try
        {
            if (json is null && notification.Focus?.Split('/') is [var type, var id])
            {
                json = await source.ReadAsync(type, id, cancellationToken).ConfigureAwait(false) is { } read ? SubscriptionNotification.Serialize(read) : null;
            }
            else if (json is null && notification.Focus is null && notification.DedupeKey.StartsWith("event:", StringComparison.Ordinal))
            {
                return (await ChangedSinceLastAsync(notification, triggers, cancellationToken).ConfigureAwait(false), null);
            }
        }
        catch (FhirSourceException exception)
        {
            return ([], exception.Message);
        }

        if (json is null || PlainJson.Parse(json) is not Dictionary<string, object?> resource)
        {
            return ([], $"The focus {notification.Focus ?? "(none)"} could not be read.");
        }

        return ([(resource, notification.DedupeKey)], null);
    }

    // An `empty` event-notification says only that something matching the subscription changed (Backport IG): search
    // each resource type this subscription's journeys listen to for what was updated since the last such search.
    // The dedupe key is the resource version, so a version found by two searches (overlap, restart) starts once.
    private async Task<List<(Dictionary<string, object?> Resource, string DedupeKey)>> ChangedSinceLastAsync(
        FhirNotification notification, List<(Automation.Engine.Definitions.WorkflowDefinition Definition, WorkflowTrigger Trigger, FhirSubscriptionTriggerPayload Payload)> triggers,
        CancellationToken cancellationToken)
    {
        var since = (searchedUpTo.TryGetValue(notification.Subscription, out var last) ? last : notification.ReceivedAt - EmptyLookback) - ClockSkew;
        var found = new List<(Dictionary<string, object?>, string)>();
        foreach (var resourceType in triggers.Where(t => t.Payload.Subscription == notification.Subscription).Select(t => t.Payload.ResourceType).Distinct(StringComparer.Ordinal))
        {
            var parameters = new Dictionary<string, string> { ["_lastUpdated"] = "gt" + since.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", System.Globalization.CultureInfo.InvariantCulture) };
            foreach (var changed in await source.SearchAsync(resourceType, parameters, cancellationToken).ConfigureAwait(false))
            {
                if (PlainJson.Parse(SubscriptionNotification.Serialize(changed)) is Dictionary<string, object?> resource)
                {
                    var version = changed.Meta?.VersionId ?? changed.Meta?.LastUpdated?.ToUnixTimeMilliseconds().ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "";
                    found.Add((resource, $"resource:{changed.TypeName}/{changed.Id}/{version}"));
                }
            }
        }

        if (!searchedUpTo.TryGetValue(notification.Subscription, out var previous) || previous < notification.ReceivedAt)
        {
            searchedUpTo[notification.Subscription] = notification.ReceivedAt;
        }

        return found;
    }

    // The published journeys' subscription triggers, re-read at most every few seconds rather than per event: a
    // journey published just now starts receiving events within TriggerCacheDuration.
    private static readonly TimeSpan TriggerCacheDuration = TimeSpan.FromSeconds(2);
    private (DateTimeOffset ReadAt, List<(Automation.Engine.Definitions.WorkflowDefinition Definition, WorkflowTrigger Trigger, FhirSubscriptionTriggerPayload Payload)> Triggers)? triggerCache;

    private async Task<List<(Automation.Engine.Definitions.WorkflowDefinition Definition, WorkflowTrigger Trigger, FhirSubscriptionTriggerPayload Payload)>> SubscriptionTriggersAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (triggerCache is { } cached && now - cached.ReadAt < TriggerCacheDuration)
        {
            return cached.Triggers;
        }

        var triggers = new List<(Automation.Engine.Definitions.WorkflowDefinition, WorkflowTrigger, FhirSubscriptionTriggerPayload)>();
        foreach (var definition in await store.ListDefinitionsAsync(VersionOptions.Published, null, cancellationToken).ConfigureAwait(false))
        {
            try
            {
                triggers.AddRange(invoker.GetTriggers(definition)
                    .Where(t => t.Payload is FhirSubscriptionTriggerPayload)
                    .Select(t => (definition, t, (FhirSubscriptionTriggerPayload)t.Payload)));
            }
            catch (Automation.Engine.Definitions.WorkflowValidationException)
            {
                // An invalid published definition starts nothing.
            }
        }

        triggerCache = (now, triggers);
        return triggers;
    }

    [LoggerMessage(EventId = 5101, Level = LogLevel.Information, Message = "Journey {DefinitionId} instance {InstanceId} started by a FHIR notification")]
    private partial void LogStarted(string definitionId, string instanceId);

    [LoggerMessage(EventId = 5102, Level = LogLevel.Error, Message = "Processing FHIR notifications failed ({Reason}); retrying")]
    private partial void LogFailed(string reason);
}
