using System.Text.Json;
using System.Text.Json.Serialization;
using Automation.Engine.Execution;
using Automation.Engine.Expressions;

namespace Automation.Engine.Persistence;

/// <summary>The compact JSON form of <see cref="WorkflowState"/> that stores persist; values come back as plain JSON
/// types.</summary>
public static class WorkflowStateJson
{
    /// <summary>The serializer options (camelCase, enums as strings, nulls omitted, plain values for <c>object</c>).</summary>
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter(), new PlainObjectConverter() },
    };

    /// <summary>Serializes a state.</summary>
    /// <param name="state">The state.</param>
    /// <returns>UTF-8 JSON.</returns>
    public static byte[] Serialize(WorkflowState state) => JsonSerializer.SerializeToUtf8Bytes(state, Options);

    /// <summary>Deserializes a state.</summary>
    /// <param name="json">UTF-8 JSON or text.</param>
    /// <returns>The state.</returns>
    /// <exception cref="JsonException">The JSON is not a state.</exception>
    public static WorkflowState Deserialize(ReadOnlySpan<byte> json) =>
        JsonSerializer.Deserialize<WorkflowState>(json, Options) ?? throw new JsonException("The state document is null.");

    /// <summary>Serializes any plain value (bookmark payloads, stimulus input).</summary>
    /// <param name="value">The value.</param>
    /// <returns>JSON text.</returns>
    public static string SerializeValue(object? value) => JsonSerializer.Serialize(value, Options);

    /// <summary>Deserializes a plain value.</summary>
    /// <param name="json">JSON text, or null.</param>
    /// <returns>The plain value.</returns>
    public static object? DeserializeValue(string? json) => json is null ? null : PlainJson.Parse(json);

    private sealed class PlainObjectConverter : JsonConverter<object>
    {
        public override object? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => PlainJson.Read(ref reader);

        public override void Write(Utf8JsonWriter writer, object value, JsonSerializerOptions options)
        {
            if (value.GetType() == typeof(object))
            {
                writer.WriteStartObject();
                writer.WriteEndObject();
                return;
            }

            JsonSerializer.Serialize(writer, value, value.GetType(), options);
        }
    }
}
