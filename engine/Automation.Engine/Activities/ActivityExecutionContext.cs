using Automation.Engine.Bookmarks;
using Automation.Engine.Definitions;
using Automation.Engine.Execution;
using Automation.Engine.Expressions;

namespace Automation.Engine.Activities;

/// <summary>
/// What an activity sees while it runs: its inputs, the workflow's variables and input, the clock, and the means to
/// complete with outcomes, suspend on a bookmark, or fault. One context serves one execution of one node.
/// </summary>
public sealed class ActivityExecutionContext
{
    private readonly WorkflowExecution execution;
    private List<string>? extraOutcomes;

    internal ActivityExecutionContext(WorkflowExecution execution, CompiledNode node, object? resumeInput)
    {
        this.execution = execution;
        Node = node;
        ResumeInput = resumeInput;
    }

    internal CompiledNode Node { get; }

    internal ActivityResultKind Result { get; private set; }

    internal string FirstOutcome { get; private set; } = Outcomes.Done;

    internal IReadOnlyList<string>? ExtraOutcomes => extraOutcomes;

    internal string? FaultMessage { get; private set; }

    /// <summary>The activity's id in the flowchart.</summary>
    public string ActivityId => Node.Id;

    /// <summary>The activity's node id (<c>Workflow1:root:&lt;id&gt;</c>).</summary>
    public string NodeId => Node.NodeId;

    /// <summary>The workflow instance id.</summary>
    public string WorkflowInstanceId => execution.State.InstanceId;

    /// <summary>The definition id of the running workflow.</summary>
    public string DefinitionId => execution.State.DefinitionId;

    /// <summary>The instance's correlation id, if any. Setting it correlates the instance (see <c>Elsa.Correlate</c>).</summary>
    public string? CorrelationId
    {
        get => execution.State.CorrelationId;
        set => execution.State.CorrelationId = value;
    }

    /// <summary>The workflow's input, by name.</summary>
    public IReadOnlyDictionary<string, object?> WorkflowInput => execution.State.Input;

    /// <summary>The stimulus payload when the activity is resumed from a bookmark; otherwise <c>null</c>.</summary>
    public object? ResumeInput { get; }

    /// <summary>The bookmark being resumed, when <see cref="Activity.ResumeAsync"/> runs.</summary>
    public Bookmark? ResumedBookmark { get; internal set; }

    /// <summary>The engine's clock. Use it instead of <see cref="DateTimeOffset.UtcNow"/> so tests can advance time.</summary>
    public TimeProvider TimeProvider => execution.TimeProvider;

    /// <summary>Whether this execution was the one that started the workflow from this trigger activity.</summary>
    public bool IsTriggerOfWorkflow => execution.TriggerActivityId == Node.Id && execution.IsStarting;

    /// <summary>Cancelled when the host shuts down; pass it to any I/O.</summary>
    public CancellationToken CancellationToken => execution.CancellationToken;

    /// <summary>Evaluates an input.</summary>
    /// <typeparam name="T">The input's value type.</typeparam>
    /// <param name="input">The input property.</param>
    /// <returns>The value, or the default of <typeparamref name="T"/> when the input is unset.</returns>
    /// <exception cref="ExpressionException">The expression failed or its value cannot be converted.</exception>
    public T? Get<T>(Input<T> input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return input.Get(execution.ExpressionContext);
    }

    /// <summary>Evaluates an expression held in data rather than in an input (such as a FlowSwitch case condition).</summary>
    /// <typeparam name="T">The result type.</typeparam>
    /// <param name="syntax">Literal, Object, JavaScript, Liquid or Variable.</param>
    /// <param name="value">The expression text or literal value.</param>
    /// <param name="inputName">A name for error messages.</param>
    /// <returns>The converted result.</returns>
    /// <exception cref="ExpressionException">The expression does not parse or fails.</exception>
    public T? Evaluate<T>(string syntax, object? value, string inputName)
    {
        var workflow = execution.Workflow;
        var expression = workflow.DataExpressions.GetOrCompile(syntax, value, inputName, () =>
        {
            var entry = new System.Text.Json.Nodes.JsonObject
            {
                ["expression"] = new System.Text.Json.Nodes.JsonObject
                {
                    ["type"] = syntax,
                    ["value"] = System.Text.Json.JsonSerializer.SerializeToNode(value),
                },
            };
            return new ExpressionCompiler(workflow.JavaScriptOptions).Compile(entry, inputName, workflow.Variables);
        });
        var result = expression?.Evaluate(execution.ExpressionContext);
        try
        {
            return ValueConverter.Convert<T>(result);
        }
        catch (Exception exception) when (exception is FormatException or InvalidCastException)
        {
            throw new ExpressionException(inputName, $"the value cannot be converted to {typeof(T).Name}.", exception);
        }
    }

    /// <summary>Resolves a variable reference (id or name) to the declared variable's name.</summary>
    /// <param name="id">The variable id, if known.</param>
    /// <param name="name">The variable name, if known.</param>
    /// <returns>The declared name, or <paramref name="name"/> when the definition does not declare it.</returns>
    /// <exception cref="InvalidOperationException">Neither an id nor a name was given.</exception>
    public string ResolveVariableName(string? id, string? name)
    {
        var variables = execution.Workflow.Variables;
        var declared = variables.FirstOrDefault(v => v.Id == id) ?? variables.FirstOrDefault(v => v.Name == name);
        return declared?.Name ?? name ?? throw new InvalidOperationException("The variable reference has neither id nor name.");
    }

    /// <summary>Sets an output; later activities can read it.</summary>
    /// <typeparam name="T">The output's value type.</typeparam>
    /// <param name="output">The output property.</param>
    /// <param name="value">The value; keep it to JSON-friendly types because it is persisted with the instance.</param>
    public void Set<T>(Output<T> output, T? value)
    {
        ArgumentNullException.ThrowIfNull(output);
        var outputs = execution.State.Outputs;
        if (!outputs.TryGetValue(Node.Id, out var byName))
        {
            byName = new Dictionary<string, object?>(StringComparer.Ordinal);
            outputs[Node.Id] = byName;
        }

        byName[output.Name] = value;
    }

    /// <summary>Reads a workflow variable.</summary>
    /// <param name="name">The variable name.</param>
    /// <returns>The value, or <c>null</c> when unset.</returns>
    public object? GetVariable(string name) => execution.State.Variables.GetValueOrDefault(name);

    /// <summary>Sets a workflow variable.</summary>
    /// <param name="name">The variable name.</param>
    /// <param name="value">The value; JSON-friendly types only, because it is persisted with the instance.</param>
    public void SetVariable(string name, object? value)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        execution.State.Variables[name] = value;
    }

    /// <summary>Completes the activity with one outcome.</summary>
    /// <param name="outcome">The outcome (port) to follow; defaults to <c>Done</c>.</param>
    public void Complete(string outcome = Outcomes.Done)
    {
        Result = ActivityResultKind.Completed;
        FirstOutcome = outcome;
        extraOutcomes = null;
    }

    /// <summary>Completes the activity with several outcomes, all followed (a fork).</summary>
    /// <param name="outcomes">The outcomes; none means the branch ends here.</param>
    public void Complete(IEnumerable<string> outcomes)
    {
        ArgumentNullException.ThrowIfNull(outcomes);
        var list = outcomes.ToList();
        Result = list.Count == 0 ? ActivityResultKind.CompletedWithoutOutcome : ActivityResultKind.Completed;
        FirstOutcome = list.Count == 0 ? "" : list[0];
        extraOutcomes = list.Count > 1 ? list.GetRange(1, list.Count - 1) : null;
    }

    /// <summary>
    /// Suspends the activity until a stimulus resumes it. The bookmark's hash is computed from the activity type and
    /// <paramref name="payload"/>, so a stimulus with the same type and payload finds it through the index.
    /// </summary>
    /// <param name="payload">What identifies the awaited stimulus (for example the event name); JSON-friendly.</param>
    /// <param name="correlationId">Restricts resumption to stimuli with this correlation id.</param>
    /// <param name="resumeAt">When set, a timer resumes the bookmark at that instant.</param>
    /// <returns>The bookmark.</returns>
    public Bookmark CreateBookmark(object? payload = null, string? correlationId = null, DateTimeOffset? resumeAt = null)
    {
        var bookmark = new Bookmark
        {
            Id = execution.NewId(),
            InstanceId = execution.State.InstanceId,
            ActivityId = Node.Id,
            ActivityNodeId = Node.NodeId,
            Name = Node.Type,
            Hash = BookmarkHasher.Hash(Node.Type, payload),
            CorrelationId = correlationId,
            Payload = payload,
            ResumeAt = resumeAt,
            CreatedAt = execution.TimeProvider.GetUtcNow(),
        };
        execution.AddBookmark(bookmark);
        Result = ActivityResultKind.Suspended;
        return bookmark;
    }

    /// <summary>Drops every bookmark this activity node still holds in the instance: a wait that created several
    /// bookmarks (an event and its timeout timer) calls it when one of them resumed it, so the others cannot resume it
    /// again. A dropped timer that still fires finds no bookmark and does nothing.</summary>
    /// <returns>How many bookmarks were dropped.</returns>
    public int RemoveBookmarks() => execution.State.Bookmarks.RemoveAll(b => b.ActivityId == Node.Id);

    /// <summary>Faults the activity: an incident is recorded and the instance faults, or the branch ends when the
    /// definition's incident strategy is to continue.</summary>
    /// <param name="message">What went wrong; never include patient data.</param>
    public void Fault(string message)
    {
        Result = ActivityResultKind.Faulted;
        FaultMessage = message;
    }

    /// <summary>Finishes the whole workflow at once: pending branches and bookmarks are dropped.</summary>
    public void FinishWorkflow() => Result = ActivityResultKind.FinishedWorkflow;

    /// <summary>Publishes a named event after this step commits; it resumes waiting <c>Elsa.Event</c> bookmarks and
    /// starts workflows that have a matching event trigger.</summary>
    /// <param name="eventName">The event name.</param>
    /// <param name="correlationId">Only instances with this correlation id are resumed, when set.</param>
    /// <param name="payload">Data handed to the resumed activities.</param>
    public void PublishEvent(string eventName, string? correlationId, object? payload)
    {
        ArgumentException.ThrowIfNullOrEmpty(eventName);
        execution.PublishedEvents.Add(new PublishedEvent(eventName, correlationId, payload));
    }

    /// <summary>Asks for a side effect (such as an email) that happens only once this step is committed: the message
    /// is stored in the same transaction as the step, and the outbox relay delivers it afterwards, so a crash neither
    /// loses nor doubles it.</summary>
    /// <param name="message">The message; its id is the idempotency key.</param>
    public void AddOutboxMessage(Outbox.OutboxMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        execution.Outbox.Add(message);
    }

    /// <summary>
    /// Hands over work that must be done before this step is committed but need not hold the run up, such as an
    /// audit append: the run goes on while it completes, and the commit waits for it. When it fails, the run fails as a
    /// whole and nothing of it is committed (no step without its audit record).
    /// </summary>
    /// <param name="work">The started work.</param>
    public void CompleteBeforeCommit(Task work)
    {
        ArgumentNullException.ThrowIfNull(work);
        lock (execution.BeforeCommit)
        {
            execution.BeforeCommit.Add(work);
        }
    }

    /// <summary>Writes a line to the host's workflow console (the CLI prints it as written).</summary>
    /// <param name="text">The text.</param>
    public void WriteLine(string? text) => execution.Console.WriteLine(text ?? "");
}
