using Automation.Activities.Segments.Facts;

namespace Automation.Activities.Segments.Evaluation;

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
