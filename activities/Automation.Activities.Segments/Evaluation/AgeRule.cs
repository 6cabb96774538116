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
