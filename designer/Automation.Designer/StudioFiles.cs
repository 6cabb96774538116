using System.Reflection;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Headers;
using Microsoft.AspNetCore.StaticFiles;
using Microsoft.Extensions.FileProviders;

namespace Automation.Designer;

/// <summary>
/// Serves Elsa Studio's files and our shell pages under one base path. Studio's <c>_framework</c> ships precompressed
/// <c>.br</c> files (about 6 MB per cold load instead of 31 MB), sent with <c>Content-Encoding: br</c> when the browser
/// accepts it.
/// </summary>
internal sealed class StudioFiles
{
    private static readonly FileExtensionContentTypeProvider ContentTypes = CreateContentTypes();

    private readonly PhysicalFileProvider studio;
    private readonly EmbeddedFileProvider shell = new(typeof(StudioFiles).Assembly, "shell");

    public StudioFiles(string? configuredPath)
    {
        var path = string.IsNullOrWhiteSpace(configuredPath)
            ? typeof(StudioFiles).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().First(a => a.Key == "StudioPackageDirectory").Value!
            : configuredPath;
        if (!Directory.Exists(Path.Combine(path, "_framework")))
        {
            throw new DirectoryNotFoundException($"Elsa Studio's files are not at '{path}' (no _framework folder): run 'npm ci' in designer/Automation.Designer or set Automation:Designer:StudioPath.");
        }

        studio = new PhysicalFileProvider(Path.GetFullPath(path));
    }

    public async Task ServeAsync(HttpContext context, string path)
    {
        path = path.TrimStart('/');
        if (path.Length == 0)
        {
            path = "index.html";
        }

        if (path.Contains("..", StringComparison.Ordinal))
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }

        var fromStudio = path.StartsWith("_framework/", StringComparison.Ordinal) || path.StartsWith("_content/", StringComparison.Ordinal)
            || path == "Elsa.Studio.Host.CustomElements.styles.css";
        var provider = fromStudio ? (IFileProvider)studio : shell;
        var file = provider.GetFileInfo(path);
        if (!file.Exists)
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }

        if (!ContentTypes.TryGetContentType(path, out var contentType))
        {
            contentType = "application/octet-stream";
        }

        context.Response.ContentType = contentType;
        context.Response.Headers.CacheControl = fromStudio && path.StartsWith("_framework/", StringComparison.Ordinal) && !path.EndsWith(".json", StringComparison.Ordinal)
            ? "public, max-age=86400"
            : "no-cache";
        context.Response.Headers.Vary = "Accept-Encoding";
        context.Response.Headers.XContentTypeOptions = "nosniff";
        context.Response.Headers.XFrameOptions = "SAMEORIGIN";
        context.Response.Headers["Referrer-Policy"] = "no-referrer";
        if (fromStudio && AcceptsBrotli(context) && studio.GetFileInfo(path + ".br") is { Exists: true } compressed)
        {
            context.Response.Headers.ContentEncoding = "br";
            file = compressed;
        }

        context.Response.ContentLength = file.Length;
        await using var stream = file.CreateReadStream();
        await stream.CopyToAsync(context.Response.Body, context.RequestAborted).ConfigureAwait(false);
    }

    private static bool AcceptsBrotli(HttpContext context) =>
        context.Request.GetTypedHeaders().AcceptEncoding.Any(e => e.Value.Equals("br", StringComparison.OrdinalIgnoreCase) && e.Quality is not 0);

    private static FileExtensionContentTypeProvider CreateContentTypes()
    {
        var provider = new FileExtensionContentTypeProvider();
        provider.Mappings[".wasm"] = "application/wasm";
        provider.Mappings[".dat"] = "application/octet-stream";
        provider.Mappings[".blat"] = "application/octet-stream";
        provider.Mappings[".dll"] = "application/octet-stream";
        provider.Mappings[".webmanifest"] = "application/manifest+json";
        return provider;
    }
}
