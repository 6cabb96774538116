using System.Security.Claims;

namespace Automation.Server.Audit;

/// <summary>Who an audit record names for a request: the user id (token <c>sub</c>) or <c>apikey:&lt;id&gt;</c>,
/// never an e-mail address.</summary>
internal static class AuditActor
{
    public const string Unknown = "unknown";

    public static string Of(ClaimsPrincipal? user) =>
        user?.FindFirstValue("sub") ?? user?.FindFirstValue(ClaimTypes.NameIdentifier) ?? Unknown;
}
