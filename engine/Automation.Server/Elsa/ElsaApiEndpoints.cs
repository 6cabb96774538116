using Automation.Server.Authorization;
using Automation.Server.Elsa.Definitions;
using Automation.Server.Elsa.Descriptors;
using Automation.Server.Elsa.Instances;
using Automation.Server.Elsa.Scripting;

namespace Automation.Server.Elsa;

/// <summary>The subset of Elsa 3's REST API that Elsa Studio 3.8.2 needs, under <c>/elsa/api</c>.</summary>
public static class ElsaApiEndpoints
{
    /// <summary>The route prefix Studio's <c>remote-endpoint</c> attribute points at.</summary>
    public const string Prefix = "/elsa/api";

    /// <summary>Maps the Elsa API. Every endpoint requires a policy: reads <see cref="Policies.ReadWorkflows"/>,
    /// changes to definitions and instance deletion <see cref="Policies.EditWorkflows"/>, execute and cancel
    /// <see cref="Policies.RunWorkflows"/>.</summary>
    /// <param name="app">The route builder.</param>
    /// <returns>The route builder.</returns>
    public static IEndpointRouteBuilder MapElsaApi(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var api = app.MapGroup(Prefix).WithTags("Elsa");
        var read = api.MapGroup("").RequireAuthorization(Policies.ReadWorkflows);
        var edit = api.MapGroup("").RequireAuthorization(Policies.EditWorkflows);
        var run = api.MapGroup("").RequireAuthorization(Policies.RunWorkflows);
        DescriptorEndpoints.Map(read);
        WorkflowDefinitionEndpoints.Map(read, edit, run);
        WorkflowInstanceEndpoints.Map(read, edit, run);
        ScriptingEndpoints.Map(read);
        return app;
    }
}
