using Automation.Engine.Definitions;
using Automation.Engine.Descriptors;
using Automation.Engine.Persistence;
using Automation.Server.Elsa.Shared;

namespace Automation.Server.Elsa.Scripting;

/// <summary>Elsa's <c>POST /scripting/javascript/type-definitions/{workflowDefinitionId}</c>: the declarations Studio's
/// JavaScript editor loads for autocomplete (body <c>{workflowDefinitionId, activityTypeName, propertyName}</c>, all
/// optional here; the answer is the <c>.d.ts</c> text of the latest version).</summary>
internal static class ScriptingEndpoints
{
    public static void Map(RouteGroupBuilder read)
    {
        read.MapPost("/scripting/javascript/type-definitions/{workflowDefinitionId}", async (string workflowDefinitionId, IWorkflowStore store, ActivityRegistry registry, CancellationToken cancellationToken) =>
        {
            var definition = await store.FindDefinitionAsync(workflowDefinitionId, VersionOptions.Latest, cancellationToken).ConfigureAwait(false);
            return definition is null
                ? ElsaHttp.NotFound("workflow definition", workflowDefinitionId)
                : Results.Text(JavaScriptDeclarations.For(definition, registry), "application/x-typescript");
        }).WithName("ElsaJavaScriptTypeDefinitions");
    }
}
