namespace Automation.Engine.Activities.Core;

/// <summary>How a FlowJoin merges its inbound branches.</summary>
public enum FlowJoinMode
{
    /// <summary>Continue once every inbound connection has delivered.</summary>
    WaitAll,
    /// <summary>Continue on the first inbound connection; later arrivals of the same round are absorbed.</summary>
    WaitAny,
}
