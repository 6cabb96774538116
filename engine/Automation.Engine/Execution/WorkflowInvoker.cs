using Automation.Engine.Bookmarks;
using Automation.Engine.Definitions;
using Automation.Engine.Descriptors;
using Automation.Engine.Expressions;

namespace Automation.Engine.Execution;

/// <summary>
/// Runs workflows in memory, with no store: state in, state and journal out. <see cref="WorkflowRuntime"/> adds
/// persistence, bookmarks and triggers on top; tests and benchmarks use this directly.
/// </summary>
public sealed class WorkflowInvoker
{
    private readonly WorkflowCompiler compiler;
    private readonly TimeProvider timeProvider;
    private readonly IdGenerator ids;
    private readonly WorkflowConsole console;
    private readonly WorkflowEngineOptions options;

    /// <summary>Creates the invoker.</summary>
    /// <param name="compiler">Compiles (and caches) definitions.</param>
    /// <param name="timeProvider">The clock.</param>
    /// <param name="ids">Instance and bookmark ids.</param>
    /// <param name="console">Where WriteLine writes.</param>
    /// <param name="options">Engine limits.</param>
    public WorkflowInvoker(WorkflowCompiler compiler, TimeProvider timeProvider, IdGenerator ids, WorkflowConsole console, WorkflowEngineOptions options)
    {
        this.compiler = compiler;
        this.timeProvider = timeProvider;
        this.ids = ids;
        this.console = console;
        this.options = options;
    }

    /// <summary>Starts a new instance and runs it until it finishes, faults or suspends.</summary>
    /// <param name="definition">The definition version.</param>
    /// <param name="start">Input, correlation id, trigger activity.</param>
    /// <param name="cancellationToken">Cancels the run (the instance is not committed).</param>
    /// <returns>The result.</returns>
    /// <exception cref="WorkflowValidationException">The definition is invalid.</exception>
    public async ValueTask<WorkflowRunResult> StartAsync(WorkflowDefinition definition, StartWorkflowOptions? start = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(definition);
        return await StartCompiledAsync(definition, compiler.Compile(definition), start ?? new StartWorkflowOptions(), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Compiles a definition once for many starts (bulk journeys).</summary>
    internal CompiledWorkflow Compile(WorkflowDefinition definition) => compiler.Compile(definition);

    /// <summary>Starts an instance of an already compiled definition.</summary>
    internal async ValueTask<WorkflowRunResult> StartCompiledAsync(WorkflowDefinition definition, CompiledWorkflow workflow, StartWorkflowOptions start, CancellationToken cancellationToken)
    {
        var now = timeProvider.GetUtcNow();
        var state = new WorkflowState
        {
            InstanceId = start.InstanceId ?? ids.NewId(),
            DefinitionId = definition.DefinitionId,
            DefinitionVersionId = definition.Id,
            DefinitionVersion = definition.Version,
            CorrelationId = start.CorrelationId,
            CreatedAt = now,
            UpdatedAt = now,
        };
        if (start.Input is not null)
        {
            foreach (var (name, value) in start.Input)
            {
                state.Input[name] = PlainJson.Normalize(value);
            }
        }

        foreach (var variable in workflow.Variables)
        {
            state.Variables[variable.Name] = InitialValue(variable);
        }

        var execution = new WorkflowExecution(workflow, state, timeProvider, ids, console, cancellationToken) { TriggerActivityId = start.TriggerActivityId };
        await FlowchartInterpreter.StartAsync(execution, options.MaxStepsPerRun).ConfigureAwait(false);
        await Task.WhenAll(execution.BeforeCommit).ConfigureAwait(false);
        return new WorkflowRunResult(state, execution.Journal, execution.NewBookmarks, execution.PublishedEvents, execution.Outbox);
    }

    /// <summary>Resumes a suspended instance at one of its bookmarks. The state is modified in place.</summary>
    /// <param name="definition">The definition version the instance runs.</param>
    /// <param name="state">The instance state.</param>
    /// <param name="bookmark">The bookmark to resume; it is removed from the state.</param>
    /// <param name="input">The stimulus payload.</param>
    /// <param name="cancellationToken">Cancels the run.</param>
    /// <returns>The result.</returns>
    /// <exception cref="WorkflowValidationException">The definition is invalid.</exception>
    public async ValueTask<WorkflowRunResult> ResumeAsync(WorkflowDefinition definition, WorkflowState state, Bookmark bookmark, object? input, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(definition);
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(bookmark);
        return await ResumeCompiledAsync(compiler.Compile(definition), state, bookmark, input, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Resumes an instance of an already compiled definition (batches compile each version once).</summary>
    internal async ValueTask<WorkflowRunResult> ResumeCompiledAsync(CompiledWorkflow workflow, WorkflowState state, Bookmark bookmark, object? input, CancellationToken cancellationToken)
    {
        var execution = new WorkflowExecution(workflow, state, timeProvider, ids, console, cancellationToken);
        await FlowchartInterpreter.ResumeAsync(execution, bookmark, PlainJson.Normalize(input), options.MaxStepsPerRun).ConfigureAwait(false);
        await Task.WhenAll(execution.BeforeCommit).ConfigureAwait(false);
        return new WorkflowRunResult(state, execution.Journal, execution.NewBookmarks, execution.PublishedEvents, execution.Outbox);
    }

    /// <summary>The trigger activities of a definition: start-position nodes of kind Trigger with a constant payload.</summary>
    /// <param name="definition">The definition.</param>
    /// <returns>(activity id, activity type, trigger payload) for each.</returns>
    /// <exception cref="WorkflowValidationException">The definition is invalid.</exception>
    public IReadOnlyList<WorkflowTrigger> GetTriggers(WorkflowDefinition definition)
    {
        var workflow = compiler.Compile(definition);
        return workflow.Nodes
            .Where(n => n.Inbound.Count == 0 && n.ActivityType.Descriptor.Kind == Activities.ActivityKind.Trigger)
            .Select(n => (Node: n, Payload: n.Activity.GetTriggerPayload()))
            .Where(t => t.Payload is not null)
            .Select(t => new WorkflowTrigger(definition.DefinitionId, definition.Id, t.Node.Id, t.Node.Type, t.Payload!, BookmarkHasher.Hash(t.Node.Type, t.Payload)))
            .ToList();
    }

    private static object? InitialValue(VariableDefinition variable)
    {
        var raw = PlainJson.FromNode(variable.Value);
        if (raw is null or string { Length: 0 })
        {
            return null;
        }

        return PlainJson.Normalize(ValueConverter.Convert(raw, TypeAliases.TypeOf(variable.TypeName)));
    }
}
