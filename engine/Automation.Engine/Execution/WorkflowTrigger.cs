namespace Automation.Engine.Execution;

/// <summary>A trigger of a published definition: a stimulus with <see cref="Hash"/> starts a new instance at
/// <see cref="ActivityId"/>.</summary>
/// <param name="DefinitionId">The definition id.</param>
/// <param name="DefinitionVersionId">The version id.</param>
/// <param name="ActivityId">The trigger activity.</param>
/// <param name="ActivityType">Its type name.</param>
/// <param name="Payload">The trigger payload (event name, schedule).</param>
/// <param name="Hash">The stimulus hash.</param>
public sealed record WorkflowTrigger(string DefinitionId, string DefinitionVersionId, string ActivityId, string ActivityType, object Payload, string Hash);
