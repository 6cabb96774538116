using Automation.Engine.Bookmarks;
using Automation.Engine.Expressions;

namespace Automation.Engine.Execution;

/// <summary>One run (start or resume) of an instance: the state it mutates and what it produced.</summary>
internal sealed class WorkflowExecution
{
    private readonly IdGenerator ids;

    public WorkflowExecution(
        CompiledWorkflow workflow,
        WorkflowState state,
        TimeProvider timeProvider,
        IdGenerator ids,
        WorkflowConsole console,
        CancellationToken cancellationToken)
    {
        Workflow = workflow;
        State = state;
        TimeProvider = timeProvider;
        this.ids = ids;
        Console = console;
        CancellationToken = cancellationToken;
        ExpressionContext = new ExpressionContext(state, timeProvider);
    }

    public CompiledWorkflow Workflow { get; }

    public WorkflowState State { get; }

    public TimeProvider TimeProvider { get; }

    public WorkflowConsole Console { get; }

    public CancellationToken CancellationToken { get; }

    public ExpressionContext ExpressionContext { get; }

    public string? TriggerActivityId { get; init; }

    public bool IsStarting { get; set; }

    public List<JournalEntry> Journal { get; } = new(32);

    public List<PublishedEvent> PublishedEvents { get; } = [];

    public List<Outbox.OutboxMessage> Outbox { get; } = [];

    /// <summary>Work the run's commit waits for (audit appends started by activities); see
    /// <see cref="Activities.ActivityExecutionContext.CompleteBeforeCommit"/>.</summary>
    public List<Task> BeforeCommit { get; } = [];

    public List<Bookmark> NewBookmarks { get; } = [];

    public string NewId() => ids.NewId();

    public void AddBookmark(Bookmark bookmark)
    {
        State.Bookmarks.Add(bookmark);
        NewBookmarks.Add(bookmark);
    }

    public void Record(CompiledNode node, JournalEvent journalEvent, string? outcomes = null, string? message = null) =>
        Journal.Add(new JournalEntry(++State.JournalSequence, TimeProvider.GetUtcNow(), node.Id, node.NodeId, node.Type, journalEvent, outcomes, message));
}
