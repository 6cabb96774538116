using Automation.Activities.Segments.Evaluation;
using Automation.Activities.Segments.Facts;
using Automation.Activities.Segments.Language;

namespace Automation.Activities.Segments.Tests.Support;

/// <summary>Helpers: the repository's workflows/segments folder, a fixed clock, and compiling rules alone.</summary>
internal static class TestSegments
{
    public static readonly DateTimeOffset Now = new(2026, 11, 27, 12, 0, 0, TimeSpan.Zero);

    public static SegmentClock Clock => SegmentClock.At(Now);

    public static int Minute(DateTimeOffset at) => (int)(at.ToUnixTimeSeconds() / 60);

    public static int DaysAgo(double days) => Minute(Now.AddDays(-days));

    public static string Folder
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, "workflows", "segments");
                if (Directory.Exists(candidate))
                {
                    return candidate;
                }
            }

            throw new DirectoryNotFoundException("workflows/segments");
        }
    }

    public static SegmentCompiler FolderCompiler() => new(id => File.Exists(Path.Combine(Folder, id + ".json")) ? File.ReadAllText(Path.Combine(Folder, id + ".json")) : null);

    public static CompiledSegment Rules(string rulesJson) => new SegmentCompiler().CompileRules(rulesJson);

    public static bool Holds(string rulesJson, PatientFacts facts) => Rules(rulesJson).Matches(facts, Clock);

    public static PatientFacts Patient(Action<PatientFacts>? configure = null)
    {
        var facts = new PatientFacts { Id = "p1" };
        configure?.Invoke(facts);
        return facts;
    }
}
