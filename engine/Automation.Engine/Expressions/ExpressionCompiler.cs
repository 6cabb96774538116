using System.Text.Json;
using System.Text.Json.Nodes;
using Automation.Engine.Definitions;

namespace Automation.Engine.Expressions;

/// <summary>Turns a stored input entry (<c>{typeName, expression:{type, value}}</c>, or a bare value for unwrapped
/// inputs) into a compiled expression.</summary>
internal sealed class ExpressionCompiler(JavaScriptOptions javaScriptOptions)
{
    /// <summary>The expression syntaxes this engine evaluates, as Elsa names them.</summary>
    public static readonly IReadOnlyList<string> Syntaxes = ["Literal", "Object", "JavaScript", "Liquid", "Variable"];

    /// <exception cref="ExpressionException">The entry cannot be compiled (unknown syntax, script that does not parse).</exception>
    public CompiledExpression? Compile(JsonNode? entry, string inputName, IReadOnlyList<VariableDefinition> variables)
    {
        if (entry is null)
        {
            return null;
        }

        if (entry is not JsonObject obj || !obj.ContainsKey("expression"))
        {
            // Unwrapped inputs (Elsa's isWrapped=false, such as FlowSwitch cases) store the value itself.
            return new ConstantExpression(PlainJson.FromNode(entry));
        }

        if (obj["expression"] is not JsonObject expression)
        {
            return null;
        }

        var syntax = Json.GetString(expression, "type") ?? "Literal";
        var value = expression["value"];
        switch (syntax)
        {
            case "Literal":
                return new ConstantExpression(PlainJson.FromNode(value));
            case "Object":
            case "Json":
                return new ConstantExpression(ParseObject(value, inputName));
            case "Variable":
                return new VariableExpression(ResolveVariable(value, variables, inputName));
            case "JavaScript":
                return JavaScriptExpression.Compile(TextOf(value), javaScriptOptions, inputName);
            case "Liquid":
                return LiquidExpression.Compile(TextOf(value), inputName);
            default:
                throw new ExpressionException(inputName, $"expression type '{syntax}' is not supported (supported: {string.Join(", ", Syntaxes)}).");
        }
    }

    private static string TextOf(JsonNode? value) => value is JsonValue v ? Json.AsString(v) ?? "" : value?.ToJsonString() ?? "";

    private static object? ParseObject(JsonNode? value, string inputName)
    {
        if (value is not JsonValue text || Json.AsString(text) is not { } json)
        {
            return PlainJson.FromNode(value);
        }

        if (string.IsNullOrWhiteSpace(json))
        {
            return null;
        }

        try
        {
            return PlainJson.Parse(json);
        }
        catch (JsonException exception)
        {
            throw new ExpressionException(inputName, "the Object expression is not valid JSON: " + exception.Message, exception);
        }
    }

    // Elsa stores a variable reference as the variable's id (or as an object with id/name); expressions use names.
    private static string ResolveVariable(JsonNode? value, IReadOnlyList<VariableDefinition> variables, string inputName)
    {
        // Studio writes the variable model as a JSON string; exports may hold it as an object.
        if (value is JsonValue text && Json.AsString(text) is { } serialized && serialized.TrimStart().StartsWith('{'))
        {
            value = JsonNode.Parse(serialized);
        }

        var key = value switch
        {
            JsonObject obj => Json.GetString(obj, "id") ?? Json.GetString(obj, "name"),
            JsonValue plain => Json.AsString(plain),
            _ => null,
        };
        var variable = variables.FirstOrDefault(v => v.Id == key) ?? variables.FirstOrDefault(v => v.Name == key);
        return variable?.Name ?? throw new ExpressionException(inputName, $"variable '{key}' is not declared.");
    }
}
