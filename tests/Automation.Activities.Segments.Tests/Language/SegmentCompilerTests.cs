using Automation.Activities.Segments.Language;
using Automation.Activities.Segments.Tests.Support;

namespace Automation.Activities.Segments.Tests.Language;

public sealed class SegmentCompilerTests
{
    private static IReadOnlyList<SegmentProblem> Problems(string json, Func<string, string?>? lookup = null) => new SegmentCompiler(lookup).Validate(json);

    private static string Doc(string rules, string id = "s") => $$"""{"id":"{{id}}","rules":{{rules}}}""";

    [Fact]
    public void Validate_UnknownPredicate_NamesItsPath()
    {
        var problems = Problems(Doc("""{"all":[{"age":{"min":1}},{"shoeSize":{"min":40}}]}"""));

        var problem = Assert.Single(problems);
        Assert.Equal("$.rules.all[1].shoeSize", problem.Path);
        Assert.Contains("unknown predicate 'shoeSize'", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_CodeOfWrongType_NamesTheArrayItem()
    {
        var problems = Problems(Doc("""{"all":[{"age":{"min":1}},{"gender":"female"},{"condition":{"system":"icd-10-cm","codes":[250,"E11*"]}}]}"""));

        var problem = Assert.Single(problems);
        Assert.Equal("$.rules.all[2].condition.codes[0]", problem.Path);
        Assert.Contains("expected a string", problem.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"age":{"min":"fifty"}}""", "$.rules.age.min", "whole number")]
    [InlineData("""{"age":{"min":80,"max":50}}""", "$.rules.age.min", "above 'max'")]
    [InlineData("""{"lab":{"code":"4548-4","op":">","value":"high"}}""", "$.rules.lab.value", "must be a number")]
    [InlineData("""{"lab":{"code":"4548-4","op":"~","value":7}}""", "$.rules.lab.op", "unknown operator")]
    [InlineData("""{"engagement":{"type":"open","withinDays":30,"includeAutomated":"yes"}}""", "$.rules.engagement.includeAutomated", "true or false")]
    [InlineData("""{"engagement":{"type":"sms-reply","withinDays":30}}""", "$.rules.engagement.type", "unknown engagement type")]
    [InlineData("""{"gender":["female","woman"]}""", "$.rules.gender[1]", "not one of male")]
    [InlineData("""{"zip":["6062"]}""", "$.rules.zip[0]", "five-digit ZIP")]
    [InlineData("""{"all":[]}""", "$.rules.all", "non-empty array")]
    [InlineData("""{"age":{"min":1},"gender":"male"}""", "$.rules", "exactly one property")]
    [InlineData("""{"condition":{"system":"icd-10-cm","codes":["E11*"],"severity":"high"}}""", "$.rules.condition.severity", "unknown property")]
    [InlineData("""{"stage":{"is":"dormant"}}""", "$.rules.stage.is", "unknown stage")]
    [InlineData("""{"lastEngagement":{"type":"open","withinDays":3,"olderThanDays":9}}""", "$.rules.lastEngagement", "exactly one of")]
    [InlineData("""{"attendanceRate":{"withinDays":365,"op":"<","value":80}}""", "$.rules.attendanceRate.value", "between 0 and 1")]
    public void Validate_WrongValue_NamesThePath(string rules, string path, string message)
    {
        var problem = Assert.Single(Problems(Doc(rules)));

        Assert.Equal(path, problem.Path);
        Assert.Contains(message, problem.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"condition":{"system":"icd-9","codes":["250.00"]}}""", "$.rules.condition.system")]
    [InlineData("""{"medication":{"system":"ndc","codes":["0002-8215"]}}""", "$.rules.medication.system")]
    [InlineData("""{"lab":{"system":"snomed","code":"4548-4","op":">","value":7}}""", "$.rules.lab.system")]
    [InlineData("""{"immunizationDue":{"system":"rxnorm","codes":["141"],"olderThanDays":365}}""", "$.rules.immunizationDue.system")]
    public void Validate_UnknownCodeSystem_NamesTheSystem(string rules, string path)
    {
        var problem = Assert.Single(Problems(Doc(rules)));

        Assert.Equal(path, problem.Path);
        Assert.Contains("unknown code system", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_CodeNotInTheSystemsFormat_NamesTheCode()
    {
        var problem = Assert.Single(Problems(Doc("""{"condition":{"system":"snomed","codes":["44054006","E11.9"]}}""")));

        Assert.Equal("$.rules.condition.codes[1]", problem.Path);
    }

    [Fact]
    public void Validate_ReferenceCycle_IsReportedWithTheChain()
    {
        var documents = new Dictionary<string, string>
        {
            ["a"] = Doc("""{"any":[{"age":{"min":1}},{"segment":"b"}]}""", "a"),
            ["b"] = Doc("""{"all":[{"segment":"c"}]}""", "b"),
            ["c"] = Doc("""{"not":{"segment":"a"}}""", "c"),
        };

        var problems = Problems(documents["a"], id => documents.GetValueOrDefault(id));

        var problem = Assert.Single(problems);
        Assert.Equal("c:$.rules.not.segment", problem.Path);
        Assert.Contains("reference cycle: a -> b -> c -> a", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_SelfReference_IsACycle()
    {
        var problem = Assert.Single(Problems(Doc("""{"segment":"s"}"""), id => id == "s" ? Doc("""{"segment":"s"}""") : null));

        Assert.Equal("$.rules.segment", problem.Path);
        Assert.Contains("reference cycle", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_UnknownReferencedSegment_NamesTheReference()
    {
        var problem = Assert.Single(Problems(Doc("""{"any":[{"age":{"min":1}},{"segment":"nope"}]}""")));

        Assert.Equal("$.rules.any[1].segment", problem.Path);
        Assert.Contains("unknown segment 'nope'", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_SeveralProblems_AreAllReported()
    {
        var problems = Problems("""{"id":"Bad Id","extra":1,"rules":{"all":[{"age":{"min":-1}},{"state":["il"]}]}}""");

        Assert.Equal(["$.extra", "$.id", "$.rules.all[0].age.min", "$.rules.all[1].state[0]"], problems.Select(p => p.Path).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Compile_NotJson_ThrowsWithRootPath()
    {
        var exception = Assert.Throws<SegmentValidationException>(() => new SegmentCompiler().Compile("{not json"));

        Assert.Equal("$", Assert.Single(exception.Problems).Path);
    }

    [Fact]
    public void Compile_StageAtRisk_ReferencesTheAtRiskSegment()
    {
        var segment = TestSegments.FolderCompiler().Compile(Doc("""{"stage":{"is":"at-risk"}}"""));

        Assert.Contains("at-risk", segment.References);
        Assert.Contains("diabetic", segment.References);
    }

    [Fact]
    public void Compile_EverySegmentInTheWorkflowsFolder_Compiles()
    {
        var compiler = TestSegments.FolderCompiler();
        var files = Directory.GetFiles(TestSegments.Folder, "*.json");

        Assert.True(files.Length >= 7);
        foreach (var file in files)
        {
            var segment = compiler.Compile(File.ReadAllText(file));
            Assert.Equal(Path.GetFileNameWithoutExtension(file), segment.Id);
        }

        Assert.Equal(10, compiler.Compile(File.ReadAllText(Path.Combine(TestSegments.Folder, "diabetes-outreach.json"))).PredicateCount);
    }

    [Fact]
    public void Compile_ExpectedIdDiffers_IsAProblem()
    {
        var problem = Assert.Single(new SegmentCompiler().Validate(Doc("""{"age":{"min":1}}""", "one"), "two"));

        Assert.Equal("$.id", problem.Path);
    }
}
