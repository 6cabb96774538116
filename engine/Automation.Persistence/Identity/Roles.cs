namespace Automation.Persistence.Identity;

/// <summary>The four roles. A user has exactly one.</summary>
public static class Roles
{
    /// <summary>Everything, including users and API keys.</summary>
    public const string Admin = "admin";

    /// <summary>Marketing ops: edit and publish journeys, run and inspect them.</summary>
    public const string Designer = "designer";

    /// <summary>Run and inspect journeys; cannot edit.</summary>
    public const string Operator = "operator";

    /// <summary>Read audit records and reports only.</summary>
    public const string Auditor = "auditor";

    /// <summary>All roles.</summary>
    public static readonly IReadOnlyList<string> All = [Admin, Designer, Operator, Auditor];
}
