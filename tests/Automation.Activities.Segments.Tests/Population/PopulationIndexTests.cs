using Automation.Activities.Segments.Facts;
using Automation.Activities.Segments.Population;
using static Automation.Activities.Segments.Tests.Support.TestSegments;

namespace Automation.Activities.Segments.Tests.Population;

/// <summary>The streamed index must hold exactly the facts the patient context gives, so a count over the index and
/// an evaluation of one patient fetched by a journey always agree.</summary>
public sealed class PopulationIndexTests(PopulationFixture population) : IClassFixture<PopulationFixture>
{
    [Fact]
    public async Task Build_FactsEqualThoseOfThePatientContext_ForEveryPatient()
    {
        Assert.Equal(400, population.Index.Count);
        var withEngagement = 0;
        foreach (var indexed in population.Index.Patients)
        {
            var context = await population.Source.GetPatientContextAsync(indexed.Id);
            withEngagement += context!.Engagement.Count > 0 ? 1 : 0;
            var expected = PatientFactsBuilder.From(context);
            AssertSameFacts(expected, indexed);
        }

        // Engagement.ndjson reaches the patient context (NdjsonPatientDataSource) and the index alike.
        Assert.InRange(withEngagement, 40, 399);
    }

    [Fact]
    public async Task FromPlain_OfTheWorkflowView_EqualsFromContext()
    {
        foreach (var indexed in population.Index.Patients.Take(100))
        {
            var context = (await population.Source.GetPatientContextAsync(indexed.Id))!;
            var plain = context.ToPlain(DateOnly.FromDateTime(Now.UtcDateTime));

            AssertSameFacts(PatientFactsBuilder.From(context), PatientFactsBuilder.FromPlain(plain));
            AssertSameFacts(PatientFactsBuilder.From(context), PatientFactsBuilder.FromPlain(System.Text.Json.JsonSerializer.Serialize(plain)));
        }
    }

    [Fact]
    public async Task CountMatches_EqualsEvaluatingEachPatientContext_ForEverySampleSegment()
    {
        var compiler = FolderCompiler();
        var contexts = new List<PatientFacts>();
        foreach (var indexed in population.Index.Patients)
        {
            contexts.Add(PatientFactsBuilder.From((await population.Source.GetPatientContextAsync(indexed.Id))!));
        }

        var nonEmpty = 0;
        foreach (var file in Directory.GetFiles(Folder, "*.json"))
        {
            var segment = compiler.Compile(File.ReadAllText(file));
            var expected = contexts.Count(f => segment.Matches(f, Clock));

            Assert.Equal(expected, population.Index.CountMatches(segment, Clock));
            nonEmpty += expected > 0 ? 1 : 0;
        }

        Assert.True(nonEmpty >= 5, "most sample segments should match someone in 400 patients");
    }

    [Fact]
    public void Preview_ReturnsTheFirstMatchingIdsInFileOrder()
    {
        var segment = Rules("""{"age":{"min":50}}""");
        var expected = population.Index.Patients.Where(p => segment.Matches(p, Clock)).Take(5).Select(p => p.Id).ToList();

        var preview = population.Index.Preview(segment, Clock, 5);

        Assert.Equal(5, preview.Count);
        Assert.Equal(expected, preview);
    }

    [Fact]
    public async Task AddEngagement_ALiveClick_IsCountedWithoutReindexing()
    {
        var index = await PopulationIndex.BuildAsync(population.Directory);
        var segment = Rules("""{"engagement":{"type":"click","withinDays":1,"min":1}}""");
        var before = index.CountMatches(segment, Clock);
        var quiet = index.Patients.First(p => !segment.Matches(p, Clock)).Id;

        Assert.True(index.AddEngagement(quiet, new Automation.Activities.Fhir.Patients.EngagementFact("click", Now.AddHours(-2), MessageId: "m1")));
        Assert.True(index.AddEngagement(quiet, new Automation.Activities.Fhir.Patients.EngagementFact("open", Now.AddHours(-2), Automated: true)));
        Assert.False(index.AddEngagement("nobody", new Automation.Activities.Fhir.Patients.EngagementFact("click", Now)));

        Assert.Equal(before + 1, index.CountMatches(segment, Clock));
    }

    [Fact]
    public void Find_ByIdOrReference()
    {
        var first = population.Index.Patients[0];

        Assert.Same(first, population.Index.Find(first.Id));
        Assert.Same(first, population.Index.Find("Patient/" + first.Id));
        Assert.Null(population.Index.Find("nobody"));
    }

    [Fact]
    public async Task Build_MissingDirectory_SaysHowToMakeOne()
    {
        var exception = await Assert.ThrowsAsync<DirectoryNotFoundException>(() => PopulationIndex.BuildAsync(Path.Combine(Path.GetTempPath(), "no-such-population-" + Guid.NewGuid())));

        Assert.Contains("automation synth", exception.Message, StringComparison.Ordinal);
    }

    internal static void AssertSameFacts(PatientFacts expected, PatientFacts actual)
    {
        Assert.Equal(expected.Id, actual.Id);
        Assert.Equal((expected.BirthDay, expected.Gender, expected.Language, expected.State, expected.Zip), (actual.BirthDay, actual.Gender, actual.Language, actual.State, actual.Zip));
        Assert.Equal(Sorted(expected.Coverages), Sorted(actual.Coverages));
        Assert.Equal(Sorted(expected.Conditions), Sorted(actual.Conditions));
        Assert.Equal(Sorted(expected.Medications), Sorted(actual.Medications));
        Assert.Equal(Sorted(expected.Labs), Sorted(actual.Labs));
        Assert.Equal(Sorted(expected.Immunizations), Sorted(actual.Immunizations));
        Assert.Equal(Sorted(expected.Encounters), Sorted(actual.Encounters));
        Assert.Equal(Sorted(expected.Appointments), Sorted(actual.Appointments));
        Assert.Equal(Sorted(expected.Engagement), Sorted(actual.Engagement));
    }

    private static List<string> Sorted<T>(IEnumerable<T> items) => items.Select(i => i!.ToString()!).Order(StringComparer.Ordinal).ToList();
}
