using Automation.Activities.Segments.Facts;

namespace Automation.Activities.Segments.Evaluation;

/// <summary>An active medication request with an RxNorm code in the list.</summary>
internal sealed class MedicationRule(string path, CodeSet codes) : Rule(path, "medication")
{
    public override bool Evaluate(PatientFacts facts, in SegmentClock clock)
    {
        foreach (var medication in facts.Medications)
        {
            if (medication.Active && codes.Matches(medication.Code))
            {
                return true;
            }
        }

        return false;
    }
}
