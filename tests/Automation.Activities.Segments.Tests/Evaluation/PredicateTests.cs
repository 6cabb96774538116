using Automation.Activities.Segments.Facts;
using static Automation.Activities.Segments.Tests.Support.TestSegments;

namespace Automation.Activities.Segments.Tests.Evaluation;

/// <summary>Predicate semantics at a fixed clock (2026-11-27 12:00 UTC), windows tested at their edges.</summary>
public sealed class PredicateTests
{
    private static readonly DateOnly Today = DateOnly.FromDateTime(Now.UtcDateTime);

    [Theory]
    [InlineData(0, true)]    // 50th birthday today: 50
    [InlineData(-1, false)]  // 50th birthday tomorrow: still 49
    public void Age_TurnsOnTheBirthday(int daysFromFiftiethBirthday, bool expected)
    {
        var facts = Patient(p => p.BirthDay = Today.AddYears(-50).AddDays(-daysFromFiftiethBirthday).DayNumber);

        Assert.Equal(expected, Holds("""{"age":{"min":50,"max":75}}""", facts));
    }

    [Theory]
    [InlineData(75, true)]
    [InlineData(76, false)]
    public void Age_MaxIsInclusiveUntilTheNextBirthday(int age, bool expected)
    {
        var onBirthday = Patient(p => p.BirthDay = Today.AddYears(-age).DayNumber);
        var dayBeforeNext = Patient(p => p.BirthDay = Today.AddYears(-age - 1).AddDays(1).DayNumber);

        Assert.Equal(expected, Holds("""{"age":{"min":50,"max":75}}""", onBirthday));
        Assert.Equal(expected, Holds("""{"age":{"min":50,"max":75}}""", dayBeforeNext));
    }

    [Fact]
    public void Age_UnknownBirthDate_DoesNotMatch()
    {
        Assert.False(Holds("""{"age":{"max":120}}""", Patient()));
    }

    [Fact]
    public void Demographics_GenderStateLanguage()
    {
        var facts = Patient(p => { p.Gender = Gender.Female; p.State = string.Intern("IL"); p.Language = string.Intern("es"); });

        Assert.True(Holds("""{"gender":"female"}""", facts));
        Assert.False(Holds("""{"gender":["male","other"]}""", facts));
        Assert.True(Holds("""{"state":["OH","IL"]}""", facts));
        Assert.False(Holds("""{"state":["OH"]}""", facts));
        Assert.True(Holds("""{"language":["es"]}""", facts));
        Assert.False(Holds("""{"language":["en"]}""", facts));
    }

    [Theory]
    [InlineData(2139, """["02139"]""", true)]
    [InlineData(2139, """["021*"]""", true)]
    [InlineData(2139, """["02*"]""", true)]
    [InlineData(2139, """["2*"]""", false)]
    [InlineData(60625, """["606*"]""", true)]
    [InlineData(60725, """["606*"]""", false)]
    [InlineData(PatientFacts.Unknown, """["606*"]""", false)]
    public void Zip_ExactAndPrefix(int zip, string list, bool expected)
    {
        Assert.Equal(expected, Holds($$"""{"zip":{{list}}}""", Patient(p => p.Zip = zip)));
    }

    [Fact]
    public void Coverage_OnlyActiveAndInForceToday()
    {
        var today = Today.DayNumber;
        Assert.True(Holds("""{"coverage":["medicare"]}""", Patient(p => p.Coverages = [new(CoverageKind.Medicare, true, today, int.MaxValue)])));
        Assert.False(Holds("""{"coverage":["medicare"]}""", Patient(p => p.Coverages = [new(CoverageKind.Medicare, true, today + 1, int.MaxValue)])));
        Assert.False(Holds("""{"coverage":["medicare"]}""", Patient(p => p.Coverages = [new(CoverageKind.Medicare, true, 0, today - 1)])));
        Assert.False(Holds("""{"coverage":["medicare"]}""", Patient(p => p.Coverages = [new(CoverageKind.Medicare, false, 0, int.MaxValue)])));
        Assert.False(Holds("""{"coverage":["medicaid","self-pay"]}""", Patient(p => p.Coverages = [new(CoverageKind.Medicare, true, 0, int.MaxValue)])));
    }

    [Fact]
    public void Condition_PrefixMatchesWithinTheNamedSystemOnly()
    {
        var facts = Patient(p => p.Conditions = [new(CodeSystem.Icd10Cm, "E11.9", true, DaysAgo(400)), new(CodeSystem.Snomed, "44054006", true, DaysAgo(400))]);

        Assert.True(Holds("""{"condition":{"system":"icd-10-cm","codes":["E11*"]}}""", facts));
        Assert.True(Holds("""{"condition":{"system":"icd-10-cm","codes":["E11.9"]}}""", facts));
        Assert.False(Holds("""{"condition":{"system":"icd-10-cm","codes":["E11"]}}""", facts));
        Assert.False(Holds("""{"condition":{"system":"icd-10-cm","codes":["E10*"]}}""", facts));
        Assert.True(Holds("""{"condition":{"system":"snomed","codes":["44054006"]}}""", facts));
        Assert.False(Holds("""{"condition":{"system":"snomed","codes":["99*"]}}""", facts));
    }

    [Fact]
    public void Condition_ResolvedOnlyWithStatusAny_AndOnsetWindowIsInclusive()
    {
        var resolved = Patient(p => p.Conditions = [new(CodeSystem.Icd10Cm, "J45.909", false, DaysAgo(30))]);
        var onsetAtEdge = Patient(p => p.Conditions = [new(CodeSystem.Icd10Cm, "J45.909", true, DaysAgo(30))]);
        var onsetPastEdge = Patient(p => p.Conditions = [new(CodeSystem.Icd10Cm, "J45.909", true, DaysAgo(30) - 1)]);

        Assert.False(Holds("""{"condition":{"system":"icd-10-cm","codes":["J45*"]}}""", resolved));
        Assert.True(Holds("""{"condition":{"system":"icd-10-cm","codes":["J45*"],"status":"any"}}""", resolved));
        Assert.True(Holds("""{"condition":{"system":"icd-10-cm","codes":["J45*"],"onsetWithinDays":30}}""", onsetAtEdge));
        Assert.False(Holds("""{"condition":{"system":"icd-10-cm","codes":["J45*"],"onsetWithinDays":30}}""", onsetPastEdge));
    }

    [Fact]
    public void Medication_OnlyActiveRequests()
    {
        Assert.True(Holds("""{"medication":{"codes":["860975"]}}""", Patient(p => p.Medications = [new("860975", true)])));
        Assert.False(Holds("""{"medication":{"codes":["860975"]}}""", Patient(p => p.Medications = [new("860975", false)])));
        Assert.False(Holds("""{"medication":{"codes":["314076"]}}""", Patient(p => p.Medications = [new("860975", true)])));
    }

    [Theory]
    [InlineData(9.1, 30.0, ">", 9, 365, true)]
    [InlineData(9.0, 30.0, ">", 9, 365, false)]
    [InlineData(9.0, 30.0, ">=", 9, 365, true)]
    [InlineData(9.5, 30.0, "<", 9, 365, false)]
    [InlineData(9.5, 30.0, "!=", 9, 365, true)]
    [InlineData(9.5, 180.0, ">", 9, 180, true)]   // exactly at the lookback edge
    public void Lab_ComparesTheLatestValueWithinTheLookback(double value, double ageDays, string op, double threshold, int withinDays, bool expected)
    {
        var facts = Patient(p => p.Labs = [new("4548-4", value, DaysAgo(ageDays))]);

        Assert.Equal(expected, Holds($$$"""{"lab":{"code":"4548-4","op":"{{{op}}}","value":{{{threshold}}},"withinDays":{{{withinDays}}}}}""", facts));
    }

    [Fact]
    public void Lab_OlderThanTheLookback_DoesNotMatch()
    {
        var facts = Patient(p => p.Labs = [new("4548-4", 12, DaysAgo(180) - 1)]);

        Assert.False(Holds("""{"lab":{"code":"4548-4","op":">","value":9,"withinDays":180}}""", facts));
        Assert.True(Holds("""{"lab":{"code":"4548-4","op":">","value":9}}""", facts));
    }

    [Fact]
    public void Encounter_WithinDaysAndClass()
    {
        var facts = Patient(p => p.Encounters = [new(EncounterClass.Ambulatory, DaysAgo(90), DaysAgo(90) + 30)]);

        Assert.True(Holds("""{"encounter":{"withinDays":90}}""", facts));
        Assert.True(Holds("""{"encounter":{"withinDays":90,"classes":["AMB"]}}""", facts));
        Assert.False(Holds("""{"encounter":{"withinDays":90,"classes":["EMER"]}}""", facts));
        Assert.False(Holds("""{"encounter":{"withinDays":89}}""", facts));
    }

    [Fact]
    public void InpatientStay_OverlappingTheWindowCounts()
    {
        // Admitted 40 days ago, discharged 30 days ago (at the edge of a 30-day window).
        var facts = Patient(p => p.Encounters = [new(EncounterClass.Inpatient, DaysAgo(40), DaysAgo(30))]);

        Assert.True(Holds("""{"inpatientStay":{"withinDays":30}}""", facts));
        Assert.False(Holds("""{"inpatientStay":{"withinDays":29}}""", facts));
        Assert.False(Holds("""{"inpatientStay":{"withinDays":365}}""", Patient(p => p.Encounters = [new(EncounterClass.Ambulatory, DaysAgo(3), DaysAgo(3))])));
    }

    [Fact]
    public void ImmunizationDue_MissingOrOlderThanTheWindow()
    {
        const string Flu = """{"immunizationDue":{"codes":["141","150","158"],"olderThanDays":365}}""";

        Assert.True(Holds(Flu, Patient()));
        Assert.True(Holds(Flu, Patient(p => p.Immunizations = [new("158", DaysAgo(365) - 1, true)])));
        Assert.False(Holds(Flu, Patient(p => p.Immunizations = [new("158", DaysAgo(365), true)])));
        Assert.True(Holds(Flu, Patient(p => p.Immunizations = [new("158", DaysAgo(10), false)])));   // not completed
        Assert.True(Holds(Flu, Patient(p => p.Immunizations = [new("208", DaysAgo(10), true)])));    // COVID, not flu
    }

    [Fact]
    public void Engagement_CountsHumanEventsInAnInclusiveWindow()
    {
        var facts = Patient(p => p.Engagement =
        [
            new(EngagementKind.Open, DaysAgo(30), false),       // exactly 30 days ago: in
            new(EngagementKind.Open, DaysAgo(30) - 1, false),   // one minute earlier: out
            new(EngagementKind.Open, DaysAgo(1), true),         // automated (privacy proxy): ignored by default
            new(EngagementKind.Click, DaysAgo(2), false),
        ]);

        Assert.True(Holds("""{"engagement":{"type":"open","withinDays":30}}""", facts));
        Assert.False(Holds("""{"engagement":{"type":"open","withinDays":30,"min":2}}""", facts));
        Assert.True(Holds("""{"engagement":{"type":"open","withinDays":30,"min":2,"includeAutomated":true}}""", facts));
        Assert.True(Holds("""{"engagement":{"type":"open","withinDays":31,"min":2,"max":2}}""", facts));
        Assert.False(Holds("""{"engagement":{"type":"open","withinDays":29}}""", facts));
        Assert.True(Holds("""{"engagement":{"type":"portal_login","withinDays":365,"min":0,"max":0}}""", facts));
    }

    [Fact]
    public void LastEngagement_WithinOrOlderThan()
    {
        var facts = Patient(p => p.Engagement = [new(EngagementKind.PortalLogin, DaysAgo(90), false), new(EngagementKind.PortalLogin, DaysAgo(200), false)]);

        Assert.True(Holds("""{"lastEngagement":{"type":"portal_login","withinDays":90}}""", facts));
        Assert.False(Holds("""{"lastEngagement":{"type":"portal_login","withinDays":89}}""", facts));
        Assert.False(Holds("""{"lastEngagement":{"type":"portal_login","olderThanDays":90}}""", facts));
        Assert.True(Holds("""{"lastEngagement":{"type":"portal_login","olderThanDays":89}}""", facts));
        Assert.True(Holds("""{"lastEngagement":{"type":"form_completed","olderThanDays":30}}""", facts)); // never
    }

    [Fact]
    public void NoShowsAndAttendanceRate()
    {
        var facts = Patient(p => p.Appointments =
        [
            new(AppointmentState.NoShow, DaysAgo(10)),
            new(AppointmentState.NoShow, DaysAgo(365)),
            new(AppointmentState.Fulfilled, DaysAgo(100)),
            new(AppointmentState.Fulfilled, DaysAgo(400)),
            new(AppointmentState.Booked, DaysAgo(-5)),
        ]);

        Assert.True(Holds("""{"noShows":{"withinDays":365,"min":2}}""", facts));
        Assert.False(Holds("""{"noShows":{"withinDays":364,"min":2}}""", facts));
        Assert.True(Holds("""{"attendanceRate":{"withinDays":365,"op":"<","value":0.5}}""", facts));        // 1 of 3
        Assert.True(Holds("""{"attendanceRate":{"withinDays":500,"op":"=","value":0.5}}""", facts));        // 2 of 4
        Assert.False(Holds("""{"attendanceRate":{"withinDays":365,"op":">=","value":0}}""", Patient()));    // no rate
    }

    [Fact]
    public void Stage_NewActiveOverdue()
    {
        var newPatient = Patient(p => p.Encounters = [new(EncounterClass.Ambulatory, DaysAgo(90), DaysAgo(90))]);
        var longStanding = Patient(p => p.Encounters = [new(EncounterClass.Ambulatory, DaysAgo(900), DaysAgo(900)), new(EncounterClass.Ambulatory, DaysAgo(20), DaysAgo(20))]);
        var lapsed = Patient(p => p.Encounters = [new(EncounterClass.Ambulatory, Minute(Now.AddMonths(-12)) - 1, 0)]);
        var lastExactlyTwelveMonths = Patient(p => p.Encounters = [new(EncounterClass.Ambulatory, Minute(Now.AddMonths(-12)), 0)]);

        Assert.True(Holds("""{"stage":{"is":"new","withinDays":90}}""", newPatient));
        Assert.False(Holds("""{"stage":{"is":"new","withinDays":89}}""", newPatient));
        Assert.False(Holds("""{"stage":{"is":"new"}}""", longStanding));
        Assert.True(Holds("""{"stage":{"is":"active","withinDays":30}}""", longStanding));
        Assert.True(Holds("""{"stage":{"is":"overdue","months":12}}""", lapsed));
        Assert.False(Holds("""{"stage":{"is":"overdue","months":12}}""", lastExactlyTwelveMonths));
        Assert.True(Holds("""{"stage":{"is":"overdue"}}""", Patient()));
    }

    [Fact]
    public void Composition_AllAnyNot()
    {
        var facts = Patient(p => { p.Gender = Gender.Female; p.BirthDay = Today.AddYears(-60).DayNumber; });

        Assert.True(Holds("""{"all":[{"gender":"female"},{"age":{"min":50}}]}""", facts));
        Assert.False(Holds("""{"all":[{"gender":"female"},{"age":{"min":65}}]}""", facts));
        Assert.True(Holds("""{"any":[{"gender":"male"},{"age":{"min":50}}]}""", facts));
        Assert.False(Holds("""{"any":[{"gender":"male"},{"age":{"min":65}}]}""", facts));
        Assert.True(Holds("""{"not":{"gender":"male"}}""", facts));
    }

    [Fact]
    public void FakeClock_MovingTimeChangesTheResult()
    {
        var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(Now);
        var segment = Rules("""{"engagement":{"type":"click","withinDays":7}}""");
        var facts = Patient(p => p.Engagement = [new(EngagementKind.Click, Minute(Now.AddDays(-6)), false)]);

        Assert.True(segment.Matches(facts, Automation.Activities.Segments.Evaluation.SegmentClock.From(clock)));
        clock.Advance(TimeSpan.FromDays(1));
        Assert.True(segment.Matches(facts, Automation.Activities.Segments.Evaluation.SegmentClock.From(clock)));
        clock.Advance(TimeSpan.FromMinutes(1));
        Assert.False(segment.Matches(facts, Automation.Activities.Segments.Evaluation.SegmentClock.From(clock)));
    }
}
