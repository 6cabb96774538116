using System.Text;
using Automation.Engine.Definitions;
using Automation.Engine.Descriptors;

namespace Automation.Server.Elsa.Scripting;

/// <summary>
/// TypeScript declarations of what a JavaScript expression of one workflow sees (see the README's expression globals):
/// <c>variables</c> by name with their types, <c>input</c>, <c>outputs</c> by activity id with each activity's declared
/// outputs, <c>correlationId</c>, <c>workflowInstanceId</c>, <c>now</c>, <c>getVariable</c> and <c>getInput</c>. Studio's
/// editor adds them as an extra library, so typing <c>outputs.</c> offers the workflow's activities. Built from the
/// definition and the activity descriptors only: no instance data, so no PHI.
/// </summary>
internal static class JavaScriptDeclarations
{
    public static string For(WorkflowDefinition definition, ActivityRegistry registry)
    {
        var text = new StringBuilder();
        text.AppendLine("/** The workflow's variables, by name. */");
        text.AppendLine("declare const variables: {");
        foreach (var variable in definition.Variables)
        {
            text.Append("  ").Append(Property(variable.Name)).Append(": ").Append(TypeScript(variable.TypeName)).AppendLine(";");
        }

        text.AppendLine("};");
        text.AppendLine("/** The input the instance was started with. */");
        text.AppendLine("declare const input: { [name: string]: any };");
        text.AppendLine("/** What each activity that ran produced, by activity id. */");
        text.AppendLine("declare const outputs: {");
        foreach (var activity in definition.Root.Activities)
        {
            if (registry.FindDescriptor(activity.Type) is not { Outputs.Count: > 0 } descriptor)
            {
                continue;
            }

            text.Append("  /** ").Append(Comment(activity.Name ?? descriptor.DisplayName)).Append(" (").Append(Comment(activity.Type)).AppendLine(") */");
            text.Append("  ").Append(Property(activity.Id)).Append(": { ");
            foreach (var output in descriptor.Outputs)
            {
                text.Append(Property(output.Name)).Append(": ").Append(TypeScript(output.TypeName)).Append("; ");
            }

            text.AppendLine("};");
        }

        text.AppendLine("};");
        text.AppendLine("declare const correlationId: string | null;");
        text.AppendLine("declare const workflowInstanceId: string;");
        text.AppendLine("/** The engine's clock as ISO 8601 (a test clock in tests). */");
        text.AppendLine("declare const now: string;");
        text.AppendLine("declare function getVariable(name: string): any;");
        text.AppendLine("declare function getInput(name: string): any;");
        return text.ToString();
    }

    private static string TypeScript(string typeName) => typeName switch
    {
        "String" => "string",
        "Boolean" => "boolean",
        "Int32" or "Int64" or "Double" or "Decimal" or "Single" => "number",
        "DateTime" or "DateTimeOffset" or "TimeSpan" => "string",
        "StringList" => "string[]",
        _ => "any",
    };

    /// <summary>An identifier as is, anything else (activity ids such as <c>send-diabetic</c>) as a quoted name.</summary>
    private static string Property(string name) =>
        name.Length > 0 && (char.IsLetter(name[0]) || name[0] is '_' or '$') && name.All(c => char.IsLetterOrDigit(c) || c is '_' or '$')
            ? name
            : "\"" + name.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";

    private static string Comment(string text) => text.Replace("*/", "* /", StringComparison.Ordinal).ReplaceLineEndings(" ");
}
