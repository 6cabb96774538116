namespace Automation.Server.Hosting;

/// <summary>Refuses bodies over 5 MB with 413 before anything reads them (Kestrel enforces the same limit on the wire).</summary>
internal sealed class RequestSizeLimitMiddleware(RequestDelegate next)
{
    public const long MaxBodyBytes = 5 * 1024 * 1024;

    public async Task InvokeAsync(HttpContext context)
    {
        if (context.Request.ContentLength > MaxBodyBytes)
        {
            context.Response.StatusCode = StatusCodes.Status413PayloadTooLarge;
            await TypedResults.Problem(
                title: "Request body too large",
                detail: $"Bodies are limited to {MaxBodyBytes / (1024 * 1024)} MB.",
                statusCode: StatusCodes.Status413PayloadTooLarge).ExecuteAsync(context).ConfigureAwait(false);
            return;
        }

        await next(context).ConfigureAwait(false);
    }
}
