using System.Text.RegularExpressions;
using Automation.Engine.Execution;

namespace Automation.Engine.Expressions;

/// <summary>
/// The scripts journeys use most, a bare member path such as <c>return outputs.patient.Patient;</c> or
/// <c>input['patientId']</c>, read straight from the instance's plain values instead of through a Jint engine (which
/// would build a JavaScript copy of every global the script names for each evaluation). The result is what Jint would
/// return: a fresh copy, whole numbers as <c>long</c>, <c>NaN</c> and infinities as <c>null</c>, a missing last member
/// as <c>null</c>. Whatever the path cannot answer exactly as Jint would (a missing or null member along the way, which
/// is a TypeError in JavaScript, or a value that is not plain JSON) is left to Jint.
/// </summary>
internal sealed partial class JavaScriptPath
{
    private readonly string root;
    private readonly string[] members;

    private JavaScriptPath(string root, string[] members)
    {
        this.root = root;
        this.members = members;
    }

    /// <summary>Recognises a bare member path; anything else returns <c>null</c>.</summary>
    public static JavaScriptPath? TryParse(string source)
    {
        var match = PathPattern().Match(source);
        if (!match.Success)
        {
            return null;
        }

        var members = match.Groups["member"].Captures.Select(c => MemberName(c.Value)).ToArray();
        if (members.Contains("__proto__"))
        {
            return null;
        }

        return new JavaScriptPath(match.Groups["root"].Value, members);
    }

    // ".name" or "[ 'name' ]" / "[ \"name\" ]".
    private static string MemberName(string member) => member[0] == '.' ? member[1..] : member[1..^1].Trim()[1..^1];

    /// <summary>Reads the path; <c>false</c> when only Jint can give the exact answer.</summary>
    public bool TryEvaluate(WorkflowState state, out object? result)
    {
        result = null;
        object? current = root switch
        {
            "outputs" => state.Outputs,
            "input" => state.Input,
            _ => state.Variables,
        };
        for (var i = 0; i < members.Length; i++)
        {
            if (!TryMember(current, members[i], out var next))
            {
                return false;
            }

            if (next is null && i < members.Length - 1)
            {
                return false; // reading a member of undefined or null throws in JavaScript; Jint words the error
            }

            current = next;
        }

        return TryCopy(current, out result);
    }

    private static bool TryMember(object? container, string name, out object? value)
    {
        value = null;
        switch (container)
        {
            case Dictionary<string, Dictionary<string, object?>> outputs when IsOrdinal(outputs.Comparer):
                if (outputs.TryGetValue(name, out var activityOutputs))
                {
                    value = activityOutputs;
                }

                return true;
            case Dictionary<string, object?> map when IsOrdinal(map.Comparer):
                map.TryGetValue(name, out value);
                return true;
            case null:
                return true;
            default:
                return false; // arrays, strings and CLR objects have members (length, ...) only Jint knows
        }
    }

    private static bool IsOrdinal(IEqualityComparer<string> comparer) =>
        ReferenceEquals(comparer, StringComparer.Ordinal) || ReferenceEquals(comparer, EqualityComparer<string>.Default);

    // The plain shape Jint's JSON round trip yields; false for anything else (dates, records), which Jint serializes.
    private static bool TryCopy(object? value, out object? copy)
    {
        copy = null;
        switch (value)
        {
            case null:
                return true;
            case string or bool or long:
                copy = value;
                return true;
            case int number:
                copy = (long)number;
                return true;
            case double number:
                copy = !double.IsFinite(number) ? null : number == Math.Floor(number) && Math.Abs(number) < 9e15 ? (object)(long)number : number;
                return true;
            case Dictionary<string, object?> map when IsOrdinal(map.Comparer):
                return TryCopyEntries(map, map.Count, out copy);
            case Dictionary<string, Dictionary<string, object?>> outputs:
                return TryCopyEntries(outputs, outputs.Count, out copy);
            case List<object?> list:
                var items = new List<object?>(list.Count);
                foreach (var item in list)
                {
                    if (!TryCopy(item, out var itemCopy))
                    {
                        return false;
                    }

                    items.Add(itemCopy);
                }

                copy = items;
                return true;
            default:
                return false;
        }
    }

    private static bool TryCopyEntries<TValue>(IEnumerable<KeyValuePair<string, TValue>> entries, int count, out object? copy)
    {
        copy = null;
        var dictionary = new Dictionary<string, object?>(count, StringComparer.Ordinal);
        foreach (var (key, item) in entries)
        {
            if (!TryCopy(item, out var itemCopy))
            {
                return false;
            }

            dictionary[key] = itemCopy;
        }

        copy = dictionary;
        return true;
    }

    [GeneratedRegex("""^\s*(?:return\s+)?(?<root>outputs|input|variables)(?<member>\.[A-Za-z_$][A-Za-z0-9_$]*|\[\s*'[^'\\]*'\s*\]|\[\s*"[^"\\]*"\s*\])+\s*;?\s*$""", RegexOptions.CultureInvariant)]
    private static partial Regex PathPattern();
}
