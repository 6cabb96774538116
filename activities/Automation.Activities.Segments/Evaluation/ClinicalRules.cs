using Automation.Activities.Segments.Facts;

namespace Automation.Activities.Segments.Evaluation;

/// <summary>A condition coded in the list (in the given system), active unless <c>status</c> is <c>any</c>,
/// optionally with onset within N days.</summary>
internal sealed class ConditionRule(string path, CodeSystem system, CodeSet codes, bool activeOnly, int? onsetWithinDays) : Rule(path, "condition")
{
    public override bool Evaluate(PatientFacts facts, in SegmentClock clock)
    {
        var since = onsetWithinDays is { } days ? clock.DaysAgo(days) : int.MinValue;
        foreach (var condition in facts.Conditions)
        {
            if (condition.System == system && (!activeOnly || condition.Active) && condition.OnsetMinute >= since && codes.Matches(condition.Code))
            {
                return true;
            }
        }

        return false;
    }
}

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

/// <summary>Comparison operators for thresholds.</summary>
internal enum Comparison : byte
{
    Less,
    LessOrEqual,
    Greater,
    GreaterOrEqual,
    Equal,
    NotEqual,
}

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

/// <summary>The latest value of a LOINC code compared with a threshold, the value taken within the lookback window.</summary>
internal sealed class LabRule(string path, string code, Comparison comparison, double threshold, int? withinDays) : Rule(path, "lab")
{
    public override bool Evaluate(PatientFacts facts, in SegmentClock clock)
    {
        var since = withinDays is { } days ? clock.DaysAgo(days) : int.MinValue;
        var found = false;
        LabEntry latest = default;
        foreach (var lab in facts.Labs)
        {
            if (lab.AtMinute <= clock.NowMinute && (!found || lab.AtMinute > latest.AtMinute) && (ReferenceEquals(lab.Code, code) || string.Equals(lab.Code, code, StringComparison.Ordinal)))
            {
                latest = lab;
                found = true;
            }
        }

        return found && latest.AtMinute >= since && comparison.Holds(latest.Value, threshold);
    }
}

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

/// <summary>No completed immunization with a CVX code in the list within N days (missing or older).</summary>
internal sealed class ImmunizationDueRule(string path, CodeSet codes, int olderThanDays) : Rule(path, "immunizationDue")
{
    public override bool Evaluate(PatientFacts facts, in SegmentClock clock)
    {
        var since = clock.DaysAgo(olderThanDays);
        foreach (var immunization in facts.Immunizations)
        {
            if (immunization.Completed && immunization.AtMinute >= since && immunization.AtMinute <= clock.NowMinute && codes.Matches(immunization.Code))
            {
                return false;
            }
        }

        return true;
    }
}
