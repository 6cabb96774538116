using Automation.Activities.Segments.Facts;

namespace Automation.Activities.Segments.Evaluation;

/// <summary>A string fact (state, language) in a list; the list holds interned strings, compared by reference first.</summary>
internal sealed class StringInRule(string path, string kind, string[] values, Func<PatientFacts, string?> select) : Rule(path, kind)
{
    public override bool Evaluate(PatientFacts facts, in SegmentClock clock)
    {
        var value = select(facts);
        if (value is null)
        {
            return false;
        }

        foreach (var candidate in values)
        {
            if (ReferenceEquals(candidate, value) || string.Equals(candidate, value, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }
}
