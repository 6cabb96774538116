namespace Automation.Engine.Activities;

/// <summary>How the designer and the trigger index treat an activity.</summary>
public enum ActivityKind
{
    /// <summary>An ordinary step.</summary>
    Action,

    /// <summary>A step that can also start a workflow when its stimulus arrives (events, schedules).</summary>
    Trigger,
}
