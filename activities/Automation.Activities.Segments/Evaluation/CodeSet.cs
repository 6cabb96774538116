using System.Collections.Frozen;

namespace Automation.Activities.Segments.Evaluation;

/// <summary>A code list: exact codes and prefixes (written <c>E11*</c>).</summary>
internal sealed class CodeSet
{
    private readonly FrozenSet<string> exact;
    private readonly string[] prefixes;

    public CodeSet(IEnumerable<string> codes)
    {
        var list = codes.ToList();
        exact = list.Where(c => !c.EndsWith('*')).ToFrozenSet(StringComparer.Ordinal);
        prefixes = [.. list.Where(c => c.EndsWith('*')).Select(c => c[..^1])];
    }

    public bool Matches(string code)
    {
        if (exact.Contains(code))
        {
            return true;
        }

        foreach (var prefix in prefixes)
        {
            if (code.StartsWith(prefix, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }
}
