using System.Text.Json.Nodes;
using Automation.Engine.Audit;

namespace Automation.Server.Audit;

/// <summary>
/// Audits a configuration endpoint (definition save, publish, retract, delete, import): after the handler runs, one
/// <c>config.change</c> record names the endpoint, the ids in its route, the caller and whether it succeeded.
/// Server errors are not recorded as changes (nothing changed); the exception still surfaces.
/// </summary>
internal sealed class ConfigurationAuditFilter(IAuditLog audit) : IEndpointFilter
{
    private static readonly string[] RouteIds = ["definitionId", "versionId", "id"];

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var result = await next(context).ConfigureAwait(false);
        var http = context.HttpContext;
        var status = result is IStatusCodeHttpResult { StatusCode: { } code } ? code : StatusCodes.Status200OK;
        if (status >= 500)
        {
            return result;
        }

        var details = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["operation"] = http.GetEndpoint()?.Metadata.GetMetadata<IEndpointNameMetadata>()?.EndpointName ?? http.Request.Method + " " + http.Request.Path,
            ["status"] = status.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        foreach (var name in RouteIds)
        {
            if (http.Request.RouteValues.TryGetValue(name, out var value) && value?.ToString() is { Length: > 0 } id)
            {
                details[name] = id;
            }
        }

        // Save and import carry the definition in the body; the saved model names it.
        var model = result switch
        {
            IValueHttpResult { Value: Elsa.Definitions.SaveDefinitionResponse saved } => saved.WorkflowDefinition,
            IValueHttpResult { Value: JsonObject json } => json,
            _ => null,
        };
        if (!details.ContainsKey("definitionId") && model?["definitionId"] is JsonValue definitionId && definitionId.TryGetValue<string>(out var definition))
        {
            details["definitionId"] = definition;
        }

        if (model?["version"] is JsonValue version && version.TryGetValue<int>(out var number))
        {
            details["version"] = number.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        await audit.AppendAsync(new AuditEntry
        {
            Action = AuditActions.ConfigurationChange,
            Actor = AuditActor.Of(http.User),
            Result = status < 400 ? "succeeded" : "rejected",
            Details = details,
        }, http.RequestAborted).ConfigureAwait(false);
        return result;
    }
}
