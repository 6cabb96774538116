namespace Automation.Server.Authorization;

/// <summary>Authorization policy names; every endpoint names one (or is deliberately anonymous).</summary>
public static class Policies
{
    /// <summary>Read workflow definitions, instances, journals and descriptors: admin, designer, operator.</summary>
    public const string ReadWorkflows = "workflows:read";

    /// <summary>Create, save, publish, retract, delete and import definitions: admin, designer.</summary>
    public const string EditWorkflows = "workflows:edit";

    /// <summary>Start, resume and cancel instances: admin, designer, operator.</summary>
    public const string RunWorkflows = "workflows:run";

    /// <summary>Read audit records and reports: admin, auditor.</summary>
    public const string ReadAudit = "audit:read";

    /// <summary>Read journey reports (counts only, no PHI): admin, designer, auditor.</summary>
    public const string ReadReports = "reports:read";

    /// <summary>Manage users and API keys: admin.</summary>
    public const string Administer = "admin";
}
