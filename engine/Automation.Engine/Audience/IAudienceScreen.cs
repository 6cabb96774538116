using Automation.Engine.Definitions;

namespace Automation.Engine.Audience;

/// <summary>
/// Decides, one batch at a time and before any instance exists, which audience members may not enter a journey (no
/// consent for its purpose, say). A screen audits whom it keeps out and why; the journey's own steps still check again
/// when they act, since things change while an instance waits. Plugins supply screens; the engine knows none.
/// </summary>
public interface IAudienceScreen
{
    /// <summary>The correlation ids of the members to keep out.</summary>
    /// <param name="definition">The journey version the members would enter.</param>
    /// <param name="entryActivityId">Where the instances would begin: a trigger's id, or <c>null</c> for the start.</param>
    /// <param name="members">The batch (already past the re-entry rule).</param>
    /// <param name="cancellationToken">Cancels the screening; nothing of the batch is committed then.</param>
    /// <returns>The excluded members' correlation ids.</returns>
    Task<IReadOnlySet<string>> ExcludeAsync(WorkflowDefinition definition, string? entryActivityId, IReadOnlyList<AudienceMember> members, CancellationToken cancellationToken);
}
