using Automation.Engine.Bookmarks;

namespace Automation.Engine.Execution;

/// <summary>What one run (start or resume) of an instance produced.</summary>
public sealed class WorkflowRunResult
{
    internal WorkflowRunResult(WorkflowState state, IReadOnlyList<JournalEntry> journal, IReadOnlyList<Bookmark> newBookmarks, IReadOnlyList<PublishedEvent> publishedEvents, IReadOnlyList<Outbox.OutboxMessage> outbox)
    {
        State = state;
        Journal = journal;
        NewBookmarks = newBookmarks;
        PublishedEvents = publishedEvents;
        Outbox = outbox;
    }

    /// <summary>The instance state after the run.</summary>
    public WorkflowState State { get; }

    /// <summary>The instance id.</summary>
    public string InstanceId => State.InstanceId;

    /// <summary>The status after the run.</summary>
    public WorkflowStatus Status => State.Status;

    /// <summary>The journal entries this run wrote.</summary>
    public IReadOnlyList<JournalEntry> Journal { get; }

    /// <summary>The bookmarks this run created.</summary>
    public IReadOnlyList<Bookmark> NewBookmarks { get; }

    /// <summary>Events activities published during the run, to dispatch once it is committed.</summary>
    public IReadOnlyList<PublishedEvent> PublishedEvents { get; }

    /// <summary>Side effects activities asked for; the runtime commits them with the state.</summary>
    public IReadOnlyList<Outbox.OutboxMessage> Outbox { get; }
}
