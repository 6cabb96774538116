namespace Automation.Engine.Execution;

/// <summary>The lifecycle state of a workflow instance.</summary>
public enum WorkflowStatus
{
    /// <summary>Executing now.</summary>
    Running,
    /// <summary>Waiting on at least one bookmark.</summary>
    Suspended,
    /// <summary>Completed.</summary>
    Finished,
    /// <summary>Stopped by an incident.</summary>
    Faulted,
    /// <summary>Cancelled by a user or operator.</summary>
    Cancelled,
}
