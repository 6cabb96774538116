using Automation.Activities.Segments.Facts;

namespace Automation.Activities.Segments.Evaluation;

/// <summary><c>{"age": {"min": 50, "max": 75}}</c>: whole years on the evaluation date, both ends inclusive.</summary>
internal sealed class AgeRule(string path, int? min, int? max) : Rule(path, "age")
{
    public override bool Evaluate(PatientFacts facts, in SegmentClock clock)
    {
        if (facts.BirthDay == PatientFacts.Unknown)
        {
            return false;
        }

        // age >= min  <=>  born on or before today minus min years; age <= max  <=>  born after today minus (max + 1) years.
        if (min is { } low && facts.BirthDay > clock.Today.AddYears(-low).DayNumber)
        {
            return false;
        }

        return max is not { } high || facts.BirthDay > clock.Today.AddYears(-(high + 1)).DayNumber;
    }
}

internal sealed class GenderRule(string path, Gender[] genders) : Rule(path, "gender")
{
    public override bool Evaluate(PatientFacts facts, in SegmentClock clock) => Array.IndexOf(genders, facts.Gender) >= 0;
}

/// <summary>ZIP codes (exact five digits) and prefixes (<c>606*</c>), kept as numbers: a prefix of n digits matches
/// when the ZIP divided by 10^(5-n) equals it.</summary>
internal sealed class ZipRule(string path, int[] exact, (int Value, int Divisor)[] prefixes) : Rule(path, "zip")
{
    public override bool Evaluate(PatientFacts facts, in SegmentClock clock)
    {
        var zip = facts.Zip;
        if (zip == PatientFacts.Unknown)
        {
            return false;
        }

        if (Array.IndexOf(exact, zip) >= 0)
        {
            return true;
        }

        foreach (var (value, divisor) in prefixes)
        {
            if (zip / divisor == value)
            {
                return true;
            }
        }

        return false;
    }
}

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

/// <summary>A coverage of one of the kinds, status active and in force on the evaluation date.</summary>
internal sealed class CoverageRule(string path, CoverageKind[] kinds) : Rule(path, "coverage")
{
    public override bool Evaluate(PatientFacts facts, in SegmentClock clock)
    {
        foreach (var coverage in facts.Coverages)
        {
            if (coverage.Active && coverage.StartDay <= clock.TodayDay && coverage.EndDay >= clock.TodayDay && Array.IndexOf(kinds, coverage.Kind) >= 0)
            {
                return true;
            }
        }

        return false;
    }
}
