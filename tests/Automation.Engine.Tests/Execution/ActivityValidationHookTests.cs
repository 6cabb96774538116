using Automation.Engine.Activities;
using Automation.Engine.Tests.Support;

namespace Automation.Engine.Tests.Execution;

public sealed class ActivityValidationHookTests
{
    [Fact]
    public void Validate_ActivityReportingProblemsForItsConstantInputs_FailsValidationNamingTheNode()
    {
        using var engine = new TestEngine(register: registry => registry.Register(typeof(NoShouting)));
        var definition = Flow.Sequence(Flow.Activity("quiet", "Tests.NoShouting", ("text", Flow.Literal("hello"))), Flow.Activity("loud", "Tests.NoShouting", ("text", Flow.Literal("HELLO"))));

        var problems = engine.Compiler.Validate(definition);

        var problem = Assert.Single(problems);
        Assert.Equal("loud", problem.ActivityId);
        Assert.Equal("Text must not be upper case.", problem.Message);
    }

    [Activity("Tests", "Tests")]
    private sealed class NoShouting : Activity
    {
        [Input]
        public Input<string> Text { get; set; } = new();

        public override IEnumerable<string> GetValidationProblems()
        {
            if (Text.TryGetConstant(out var text) && text is { Length: > 0 } && text == text.ToUpperInvariant())
            {
                yield return "Text must not be upper case.";
            }
        }

        public override ValueTask ExecuteAsync(ActivityExecutionContext context) => ValueTask.CompletedTask;
    }
}
