namespace Automation.Engine.Definitions;

/// <summary>A flowchart connection from an activity's outcome port to another activity's input port.</summary>
/// <param name="SourceActivityId">The source activity.</param>
/// <param name="SourcePort">The source outcome, for example <c>Done</c> or <c>True</c>.</param>
/// <param name="TargetActivityId">The target activity.</param>
/// <param name="TargetPort">The target port, normally <c>In</c>.</param>
public sealed record Connection(string SourceActivityId, string SourcePort, string TargetActivityId, string TargetPort);
