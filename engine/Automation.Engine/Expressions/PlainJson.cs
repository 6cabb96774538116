using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Automation.Engine.Expressions;

/// <summary>
/// Converts JSON into plain CLR values (string, long, double, bool, null, Dictionary&lt;string, object?&gt;,
/// List&lt;object?&gt;): the one shape variables, inputs and outputs take inside the engine.
/// </summary>
public static class PlainJson
{
    /// <summary>Converts a JSON node.</summary>
    /// <param name="node">The node.</param>
    /// <returns>The plain value.</returns>
    public static object? FromNode(JsonNode? node) => node switch
    {
        null => null,
        JsonObject obj => obj.ToDictionary(pair => pair.Key, pair => FromNode(pair.Value), StringComparer.Ordinal),
        JsonArray array => array.Select(FromNode).ToList(),
        JsonValue value => FromValue(value),
        _ => null,
    };

    /// <summary>Converts a JSON element.</summary>
    /// <param name="element">The element.</param>
    /// <returns>The plain value.</returns>
    public static object? FromElement(JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                var dictionary = new Dictionary<string, object?>(StringComparer.Ordinal);
                foreach (var property in element.EnumerateObject())
                {
                    dictionary[property.Name] = FromElement(property.Value);
                }

                return dictionary;
            case JsonValueKind.Array:
                var list = new List<object?>(element.GetArrayLength());
                foreach (var item in element.EnumerateArray())
                {
                    list.Add(FromElement(item));
                }

                return list;
            case JsonValueKind.String:
                return element.GetString();
            case JsonValueKind.Number:
                return element.TryGetInt64(out var whole) ? (object)whole : element.GetDouble();
            case JsonValueKind.True:
                return true;
            case JsonValueKind.False:
                return false;
            default:
                return null;
        }
    }

    /// <summary>Reads the JSON value at the reader's current token into a plain value, as <see cref="FromElement"/> would
    /// give it, without building a <see cref="JsonDocument"/> first (instance states are read this way on every resume).</summary>
    /// <param name="reader">A reader positioned on the value's first token, with the whole value available; it is left on
    /// the value's last token.</param>
    /// <returns>The plain value.</returns>
    public static object? Read(ref Utf8JsonReader reader)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.StartObject:
                var dictionary = new Dictionary<string, object?>(StringComparer.Ordinal);
                while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                {
                    var name = reader.GetString()!;
                    reader.Read();
                    dictionary[name] = Read(ref reader);
                }

                return dictionary;
            case JsonTokenType.StartArray:
                var list = new List<object?>();
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    list.Add(Read(ref reader));
                }

                return list;
            case JsonTokenType.String:
                return reader.GetString();
            case JsonTokenType.Number:
                return reader.TryGetInt64(out var whole) ? (object)whole : reader.GetDouble();
            case JsonTokenType.True:
                return true;
            case JsonTokenType.False:
                return false;
            default:
                return null;
        }
    }

    /// <summary>Parses JSON text into a plain value.</summary>
    /// <param name="json">The text.</param>
    /// <returns>The plain value.</returns>
    /// <exception cref="JsonException">The text is not JSON.</exception>
    public static object? Parse(string json)
    {
        using var document = JsonDocument.Parse(json);
        return FromElement(document.RootElement);
    }

    /// <summary>Normalises any value into the plain shape (JSON elements and nodes are converted; others kept).</summary>
    /// <param name="value">The value.</param>
    /// <returns>The plain value.</returns>
    public static object? Normalize(object? value) => value switch
    {
        JsonElement element => FromElement(element),
        JsonNode node => FromNode(node),
        int number => (long)number,
        float number => (double)number,
        decimal number => (double)number,
        _ => value,
    };

    private static object? FromValue(JsonValue value) => value.GetValueKind() switch
    {
        JsonValueKind.String => value.GetValue<string>(),
        JsonValueKind.Number => value.TryGetValue<long>(out var whole) ? (object)whole : double.Parse(value.ToJsonString(), CultureInfo.InvariantCulture),
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        _ => null,
    };
}
