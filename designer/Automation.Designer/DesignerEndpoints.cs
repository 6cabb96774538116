using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Automation.Designer;

/// <summary>Maps the designer: shell pages and Elsa Studio's files, all static (the data comes from the API, which
/// requires sign-in).</summary>
public static class DesignerEndpoints
{
    /// <summary>The base path.</summary>
    public const string BasePath = "/designer";

    /// <summary>Serves the designer under <see cref="BasePath"/>.</summary>
    /// <param name="app">The endpoint builder.</param>
    /// <returns>The endpoint builder.</returns>
    /// <exception cref="DirectoryNotFoundException">Elsa Studio's files are missing.</exception>
    public static IEndpointRouteBuilder MapDesigner(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var options = app.ServiceProvider.GetRequiredService<IConfiguration>().GetSection(DesignerOptions.Section).Get<DesignerOptions>() ?? new DesignerOptions();
        var files = new StudioFiles(options.StudioPath);
        app.MapGet(BasePath + "/{**path}", (HttpContext context, string? path) => files.ServeAsync(context, path ?? ""))
            .AllowAnonymous()
            .ExcludeFromDescription();
        return app;
    }
}
