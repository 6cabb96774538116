using Automation.Activities.Segments.Facts;
using static Automation.Activities.Segments.Tests.Support.TestSegments;

namespace Automation.Activities.Segments.Tests.Evaluation;

public sealed class ExplainTests
{
    [Fact]
    public void Explain_ReportsEveryRuleWithItsPathAndResult()
    {
        var segment = FolderCompiler().Compile("""
            {"id":"x","rules":{"all":[
              {"age":{"min":50}},
              {"not":{"gender":"male"}},
              {"any":[{"segment":"diabetic"},{"state":["OH"]}]}
            ]}}
            """);
        var facts = Patient(p =>
        {
            p.BirthDay = DateOnly.FromDateTime(Now.UtcDateTime).AddYears(-70).DayNumber;
            p.Gender = Gender.Male;
            p.Medications = [new("860975", true)];
        });

        var explanation = segment.Explain(facts, Clock);

        Assert.False(explanation.Matched);
        Assert.Equal("p1", explanation.PatientId);
        var root = explanation.Root;
        Assert.Equal(("$.rules", "all", false), (root.Path, root.Kind, root.Held));
        Assert.Equal([("$.rules.all[0]", "age", true), ("$.rules.all[1]", "not", false), ("$.rules.all[2]", "any", true)],
            root.Children.Select(c => (c.Path, c.Kind, c.Held)));
        var reference = root.Children[2].Children[0];
        Assert.Equal(("$.rules.all[2].any[0]", "segment:diabetic", true), (reference.Path, reference.Kind, reference.Held));
        var inside = reference.Children[0];
        Assert.Equal("diabetic:$.rules", inside.Path);
        Assert.Equal([false, false, true, false], inside.Children.Select(c => c.Held));
        Assert.Equal("diabetic:$.rules.any[2]", inside.Children[2].Path);
    }

    [Fact]
    public void Explain_AgreesWithMatches()
    {
        var segment = FolderCompiler().Compile(File.ReadAllText(Path.Combine(Folder, "at-risk.json")));
        var patients = new[]
        {
            Patient(),
            Patient(p => p.Encounters = [new(EncounterClass.Inpatient, DaysAgo(10), DaysAgo(5))]),
            Patient(p => p.Appointments = [new(AppointmentState.NoShow, DaysAgo(10)), new(AppointmentState.NoShow, DaysAgo(20))]),
        };

        Assert.Equal([false, true, true], patients.Select(p => segment.Explain(p, Clock).Matched));
        Assert.Equal([false, true, true], patients.Select(p => segment.Matches(p, Clock)));
    }
}
