namespace Automation.Engine.Persistence;

/// <summary>Another run committed the instance first (or the instance id already exists); reload and retry.</summary>
public sealed class WorkflowConcurrencyException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="instanceId">The instance.</param>
    /// <param name="expectedRevision">The revision the commit expected.</param>
    public WorkflowConcurrencyException(string instanceId, long expectedRevision)
        : base($"Instance {instanceId} is no longer at revision {expectedRevision}; another run committed it first.")
    {
        InstanceId = instanceId;
        ExpectedRevision = expectedRevision;
    }

    /// <summary>The instance.</summary>
    public string InstanceId { get; }

    /// <summary>The revision the commit expected.</summary>
    public long ExpectedRevision { get; }
}
