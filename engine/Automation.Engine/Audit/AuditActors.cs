namespace Automation.Engine.Audit;

/// <summary>How audit records name who acted.</summary>
public static class AuditActors
{
    /// <summary>A journey's activities (consent checks, policy decisions, queued messages): <c>workflow:</c> and the
    /// definition id, which is how reports attribute a message to its journey.</summary>
    /// <param name="definitionId">The workflow definition id.</param>
    /// <returns>The actor.</returns>
    public static string Workflow(string definitionId) => "workflow:" + definitionId;
}
