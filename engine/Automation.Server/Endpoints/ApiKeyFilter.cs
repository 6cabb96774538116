using Automation.Server.Hosting;

namespace Automation.Server.Endpoints;

/// <summary>Requires <c>Authorization: ApiKey &lt;key&gt;</c> on every API endpoint.</summary>
internal sealed class ApiKeyFilter(ApiKeyProvider keys) : IEndpointFilter
{
    private const string Scheme = "ApiKey ";

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var header = context.HttpContext.Request.Headers.Authorization.ToString();
        if (!header.StartsWith(Scheme, StringComparison.Ordinal) || !keys.Matches(header[Scheme.Length..].Trim()))
        {
            return TypedResults.Problem(title: "Authentication required", detail: "Send 'Authorization: ApiKey <key>'.", statusCode: StatusCodes.Status401Unauthorized);
        }

        return await next(context).ConfigureAwait(false);
    }
}
