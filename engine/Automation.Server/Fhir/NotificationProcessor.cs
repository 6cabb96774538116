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
/// Drains the notification inbox: resolves each event's focus resource (re-reading it from the FHIR source for
/// id-only and empty payloads) and starts one instance per matching <c>FhirSubscriptionTrigger</c>. The instance id is
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
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var pending = await inbox.PendingAsync(50, stoppingToken).ConfigureAwait(false);
                foreach (var notification in pending)
                {
                    var error = await ProcessAsync(notification, stoppingToken).ConfigureAwait(false);
                    await inbox.CompleteAsync(notification.Id, error, time.GetUtcNow(), stoppingToken).ConfigureAwait(false);
                }

                if (pending.Count == 0)
                {
                    await signal.WaitAsync(TimeSpan.FromSeconds(1), stoppingToken).ConfigureAwait(false);
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

    private async Task<string?> ProcessAsync(FhirNotification notification, CancellationToken cancellationToken)
    {
        var json = notification.ResourceJson;
        if (json is null && notification.Focus?.Split('/') is [var type, var id])
        {
            try
            {
                json = await source.ReadAsync(type, id, cancellationToken).ConfigureAwait(false) is { } read ? SubscriptionNotification.Serialize(read) : null;
            }
            catch (FhirSourceException exception)
            {
                return exception.Message;
            }
        }

        if (json is null || PlainJson.Parse(json) is not Dictionary<string, object?> resource)
        {
            return $"The focus {notification.Focus ?? "(none)"} could not be read.";
        }

        var resourceType = resource.GetValueOrDefault("resourceType") as string ?? "";
        var reference = $"{resourceType}/{resource.GetValueOrDefault("id")}";

        // Journeys already waiting on this resource resume first (by bookmark hash and correlation id).
        await runtime.ResumeWaitingAsync("Healthcare.WaitForFhirNotification", new FhirNotificationPayload(notification.Subscription, resourceType), reference, resource, cancellationToken).ConfigureAwait(false);
        foreach (var (definition, trigger, payload) in await SubscriptionTriggersAsync(cancellationToken).ConfigureAwait(false))
        {
            if (payload.Subscription != notification.Subscription || payload.ResourceType != resourceType || !payload.Matches(resource))
            {
                continue;
            }

            var instanceId = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(
                $"{definition.Id}\n{trigger.ActivityId}\n{notification.Subscription}\n{notification.DedupeKey}")))[..32];
            try
            {
                await runtime.StartAsync(definition, new StartWorkflowOptions
                {
                    InstanceId = instanceId,
                    TriggerActivityId = trigger.ActivityId,
                    CorrelationId = reference,
                    Input = new Dictionary<string, object?> { ["resource"] = resource },
                }, cancellationToken).ConfigureAwait(false);
                LogStarted(definition.DefinitionId, instanceId, notification.Subscription);
            }
            catch (WorkflowConcurrencyException)
            {
                // Already started from this event before a restart: exactly once.
            }
        }

        return null;
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

    [LoggerMessage(EventId = 5101, Level = LogLevel.Information, Message = "Journey {DefinitionId} instance {InstanceId} started by subscription {Subscription}")]
    private partial void LogStarted(string definitionId, string instanceId, string subscription);

    [LoggerMessage(EventId = 5102, Level = LogLevel.Error, Message = "Processing FHIR notifications failed ({Reason}); retrying")]
    private partial void LogFailed(string reason);
}
