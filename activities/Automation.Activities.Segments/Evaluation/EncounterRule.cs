using Automation.Activities.Segments.Facts;

namespace Automation.Activities.Segments.Evaluation;

/// <summary>An encounter (of the given classes, or any) that started within N days, or an inpatient stay that
/// overlapped the window (<c>inpatientStay</c>).</summary>
internal sealed class EncounterRule(string path, string kind, EncounterClass[]? classes, int withinDays, bool overlap) : Rule(path, kind)
{
    public override bool Evaluate(PatientFacts facts, in SegmentClock clock)
    {
        var since = clock.DaysAgo(withinDays);
        foreach (var encounter in facts.Encounters)
        {
            var inWindow = overlap
                ? encounter.EndMinute >= since && encounter.StartMinute <= clock.NowMinute
                : encounter.StartMinute >= since && encounter.StartMinute <= clock.NowMinute;
            if (inWindow && (classes is null || Array.IndexOf(classes, encounter.Class) >= 0))
            {
                return true;
            }
        }

        return false;
    }
}
