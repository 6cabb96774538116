namespace Automation.Activities.Segments.Evaluation;

internal static class Comparisons
{
    public static readonly IReadOnlyDictionary<string, Comparison> ByToken = new Dictionary<string, Comparison>(StringComparer.Ordinal)
    {
        ["<"] = Comparison.Less, ["<="] = Comparison.LessOrEqual, [">"] = Comparison.Greater, [">="] = Comparison.GreaterOrEqual, ["="] = Comparison.Equal, ["!="] = Comparison.NotEqual,
    };

    public static bool Holds(this Comparison comparison, double left, double right) => comparison switch
    {
        Comparison.Less => left < right,
        Comparison.LessOrEqual => left <= right,
        Comparison.Greater => left > right,
        Comparison.GreaterOrEqual => left >= right,
        Comparison.Equal => left == right,
        _ => left != right,
    };
}
