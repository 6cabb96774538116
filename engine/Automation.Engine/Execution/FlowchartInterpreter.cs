using Automation.Engine.Activities;
using Automation.Engine.Activities.Core;
using Automation.Engine.Bookmarks;
using Automation.Engine.Expressions;

namespace Automation.Engine.Execution;

/// <summary>
/// Walks a flowchart by outcomes. Pure apart from the activities it runs: state in, state and journal out; no store,
/// no clock of its own. Work is breadth-first, so forked branches interleave one step at a time.
/// </summary>
internal static class FlowchartInterpreter
{
    private readonly record struct Work(int Node, int ViaConnection);

    /// <summary>Runs from the start nodes (or the trigger activity) until nothing is left to do.</summary>
    public static ValueTask StartAsync(WorkflowExecution execution, int maxSteps)
    {
        var queue = new Queue<Work>();
        var workflow = execution.Workflow;
        if (execution.TriggerActivityId is { } trigger && workflow.NodesById.TryGetValue(trigger, out var triggerNode))
        {
            queue.Enqueue(new Work(triggerNode.Index, -1));
        }
        else
        {
            foreach (var start in workflow.StartNodes)
            {
                queue.Enqueue(new Work(start.Index, -1));
            }
        }

        execution.IsStarting = true;
        return RunAsync(execution, queue, maxSteps);
    }

    /// <summary>Resumes the activity that owns <paramref name="bookmark"/>, then continues.</summary>
    public static async ValueTask ResumeAsync(WorkflowExecution execution, Bookmark bookmark, object? input, int maxSteps)
    {
        var state = execution.State;
        state.Bookmarks.RemoveAll(b => b.Id == bookmark.Id);
        state.Status = WorkflowStatus.Running;
        var queue = new Queue<Work>();
        if (!execution.Workflow.NodesById.TryGetValue(bookmark.ActivityId, out var node))
        {
            Fault(execution, null, $"bookmark {bookmark.Id} belongs to activity '{bookmark.ActivityId}', which the definition no longer has.");
            Finish(execution);
            return;
        }

        var context = new ActivityExecutionContext(execution, node, input) { ResumedBookmark = bookmark };
        execution.Record(node, JournalEvent.Resumed);
        await InvokeAsync(execution, node, context, resume: true).ConfigureAwait(false);
        HandleResult(execution, node, context, queue);
        await RunAsync(execution, queue, maxSteps).ConfigureAwait(false);
    }

    private static async ValueTask RunAsync(WorkflowExecution execution, Queue<Work> queue, int maxSteps)
    {
        var state = execution.State;
        state.Status = WorkflowStatus.Running;
        var steps = 0;
        var nodes = execution.Workflow.Nodes;
        while (queue.Count > 0 && state.Status == WorkflowStatus.Running)
        {
            var work = queue.Dequeue();
            var node = nodes[work.Node];
            if (node.Activity is FlowJoin join && !JoinShouldFire(execution, node, join, work.ViaConnection))
            {
                continue;
            }

            if (++steps > maxSteps)
            {
                Fault(execution, node, $"step budget of {maxSteps} activity executions exceeded at activity '{node.Id}': the flowchart loops without end.");
                state.Status = WorkflowStatus.Faulted;
                break;
            }

            var context = new ActivityExecutionContext(execution, node, null);
            execution.Record(node, JournalEvent.Started);
            await InvokeAsync(execution, node, context, resume: false).ConfigureAwait(false);
            execution.IsStarting = false;
            HandleResult(execution, node, context, queue);
        }

        Finish(execution);
    }

    private static async ValueTask InvokeAsync(WorkflowExecution execution, CompiledNode node, ActivityExecutionContext context, bool resume)
    {
        try
        {
            if (resume)
            {
                await node.Activity.ResumeAsync(context).ConfigureAwait(false);
            }
            else
            {
                await node.Activity.ExecuteAsync(context).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (execution.CancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (ExpressionException exception)
        {
            context.Fault(exception.Message);
        }
        catch (Exception exception)
        {
            // Exception messages may quote the data being processed (patient data included), so only the type is kept;
            // activities that want to say more call context.Fault with a message free of PHI.
            context.Fault($"{exception.GetType().Name} was thrown by the activity.");
        }
    }

    private static void HandleResult(WorkflowExecution execution, CompiledNode node, ActivityExecutionContext context, Queue<Work> queue)
    {
        switch (context.Result)
        {
            case ActivityResultKind.Suspended:
                execution.Record(node, JournalEvent.Suspended);
                break;
            case ActivityResultKind.Faulted:
                Fault(execution, node, context.FaultMessage ?? "the activity faulted.");
                if (!execution.Workflow.ContinueOnIncident)
                {
                    execution.State.Status = WorkflowStatus.Faulted;
                }

                break;
            case ActivityResultKind.FinishedWorkflow:
                execution.Record(node, JournalEvent.Completed);
                execution.State.Status = WorkflowStatus.Finished;
                execution.State.Bookmarks.Clear();
                execution.State.JoinTokens.Clear();
                break;
            case ActivityResultKind.CompletedWithoutOutcome:
                execution.Record(node, JournalEvent.Completed, "");
                break;
            default:
                var first = context.FirstOutcome;
                var extra = context.ExtraOutcomes;
                execution.Record(node, JournalEvent.Completed, extra is null ? first : first + "," + string.Join(",", extra));
                Follow(node, first, queue);
                if (extra is not null)
                {
                    foreach (var outcome in extra)
                    {
                        Follow(node, outcome, queue);
                    }
                }

                break;
        }
    }

    private static void Follow(CompiledNode node, string outcome, Queue<Work> queue)
    {
        if (node.Outbound.TryGetValue(outcome, out var targets))
        {
            foreach (var (target, connection) in targets)
            {
                queue.Enqueue(new Work(target, connection));
            }
        }
    }

    // WaitAny fires on the first arrival and absorbs the rest of that round; WaitAll fires once every inbound
    // connection has delivered (a branch that is never taken keeps it waiting, as Elsa's token flow does).
    private static bool JoinShouldFire(WorkflowExecution execution, CompiledNode node, FlowJoin join, int viaConnection)
    {
        if (viaConnection < 0 || node.Inbound.Count <= 1)
        {
            return true;
        }

        var tokens = execution.State.JoinTokens;
        if (!tokens.TryGetValue(node.Id, out var arrived))
        {
            arrived = [];
            tokens[node.Id] = arrived;
        }

        var mode = join.GetMode(new ActivityExecutionContext(execution, node, null));
        var firstOfRound = arrived.Count == 0;
        if (!arrived.Contains(viaConnection))
        {
            arrived.Add(viaConnection);
        }

        var roundComplete = arrived.Count >= node.Inbound.Count;
        if (roundComplete)
        {
            tokens.Remove(node.Id);
        }

        return mode == FlowJoinMode.WaitAny ? firstOfRound : roundComplete;
    }

    private static void Fault(WorkflowExecution execution, CompiledNode? node, string message)
    {
        var now = execution.TimeProvider.GetUtcNow();
        execution.State.Incidents.Add(new Incident(node?.Id ?? "", node?.Type ?? "", message, now));
        if (node is not null)
        {
            execution.Record(node, JournalEvent.Faulted, message: message);
        }
    }

    private static void Finish(WorkflowExecution execution)
    {
        var state = execution.State;
        if (state.Status == WorkflowStatus.Running)
        {
            state.Status = state.Bookmarks.Count > 0 ? WorkflowStatus.Suspended : WorkflowStatus.Finished;
        }

        if (state.Status is WorkflowStatus.Finished or WorkflowStatus.Faulted)
        {
            state.Bookmarks.Clear();
            state.JoinTokens.Clear();
            state.FinishedAt = execution.TimeProvider.GetUtcNow();
        }

        state.UpdatedAt = execution.TimeProvider.GetUtcNow();
    }
}
