using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Automation.Engine.Definitions;

namespace Automation.Server.Elsa.Shared;

/// <summary>Body reading and error responses shared by the Elsa API endpoints.</summary>
internal static class ElsaHttp
{
    /// <summary>Elsa's wire conventions: camelCase, enums as strings, case-insensitive reads.</summary>
    public static JsonSerializerOptions Json { get; } = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter() },
        AllowTrailingCommas = true,
        ReadCommentHandling = JsonCommentHandling.Skip,
    };

    /// <summary>Reads the body as a JSON object; an empty body gives an empty object.</summary>
    public static async Task<(JsonObject? Body, IResult? Error)> ReadObjectAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        JsonNode? node;
        try
        {
            using var reader = new StreamReader(request.Body);
            var text = await reader.ReadToEndAsync(cancellationToken).ConfigureAwait(false);
            if (string.IsNullOrWhiteSpace(text))
            {
                return (new JsonObject(), null);
            }

            // Duplicate keys are refused here: JsonNode would otherwise only throw when the property is first read.
            node = JsonNode.Parse(text, documentOptions: new JsonDocumentOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip, AllowDuplicateProperties = false });
        }
        catch (JsonException exception)
        {
            return (null, BadRequest("body", $"Malformed JSON at line {exception.LineNumber + 1}, position {exception.BytePositionInLine + 1}: {FirstSentence(exception.Message)}"));
        }
        catch (BadHttpRequestException exception) when (exception.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return (null, TypedResults.Problem(statusCode: StatusCodes.Status413PayloadTooLarge, title: "Request body too large", detail: "Bodies are limited to 5 MB."));
        }

        return node is JsonObject body ? (body, null) : (null, BadRequest("body", "The body must be a JSON object."));
    }

    /// <summary>Reads the body as <typeparamref name="T"/>; an empty body gives a default instance.</summary>
    public static async Task<(T? Body, IResult? Error)> ReadAsync<T>(HttpRequest request, CancellationToken cancellationToken)
        where T : new()
    {
        var (body, error) = await ReadObjectAsync(request, cancellationToken).ConfigureAwait(false);
        if (error is not null)
        {
            return (default, error);
        }

        try
        {
            return (body!.Deserialize<T>(Json) ?? new T(), null);
        }
        catch (JsonException exception)
        {
            var field = exception.Path is { Length: > 2 } path ? path.TrimStart('$', '.') : "body";
            return (default, BadRequest(field, "The value is not valid here."));
        }
    }

    /// <summary>400 with <c>{errors:{field:[message]}}</c>.</summary>
    public static IResult BadRequest(string field, string message) =>
        TypedResults.ValidationProblem(new Dictionary<string, string[]> { [field] = [message] });

    /// <summary>400 with the problems keyed by activity id, or <c>workflow</c>.</summary>
    public static IResult ValidationProblems(IEnumerable<ValidationProblem> problems) =>
        TypedResults.ValidationProblem(problems
            .GroupBy(p => p.ActivityId ?? "workflow", StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Select(p => p.Message).ToArray(), StringComparer.Ordinal),
            title: "The workflow definition is not valid.");

    /// <summary>400 for a model that is not a flowchart definition.</summary>
    public static IResult FormatProblem(WorkflowDefinitionFormatException exception, string prefix) =>
        BadRequest(prefix + exception.JsonPath.TrimStart('$'), exception.Message);

    /// <summary>409 problem details.</summary>
    public static IResult Conflict(string detail) =>
        TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Conflict", detail: detail);

    private static string FirstSentence(string message)
    {
        var end = message.IndexOf(". ", StringComparison.Ordinal);
        return end > 0 ? message[..(end + 1)] : message;
    }

    /// <summary>404 problem details.</summary>
    public static IResult NotFound(string what, string id) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Not found", detail: $"No {what} '{id}'.");
}
