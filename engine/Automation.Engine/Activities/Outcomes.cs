namespace Automation.Engine.Activities;

/// <summary>Outcome names shared by the core activities.</summary>
public static class Outcomes
{
    /// <summary>The default outcome.</summary>
    public const string Done = "Done";
    /// <summary>FlowDecision's positive outcome.</summary>
    public const string True = "True";
    /// <summary>FlowDecision's negative outcome.</summary>
    public const string False = "False";
    /// <summary>FlowSwitch's outcome when no case matches.</summary>
    public const string Default = "Default";
}
