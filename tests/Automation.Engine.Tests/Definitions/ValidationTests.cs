using Automation.Engine.Activities;
using Automation.Engine.Tests.Support;

namespace Automation.Engine.Tests.Definitions;

public sealed class ValidationTests
{
    [Fact]
    public void Validate_EveryKindOfProblem_ListsEachWithItsActivityId()
    {
        using var engine = new TestEngine();
        var definition = Flow.Definition(
            [
                Flow.Activity("start", "Elsa.Start"),
                Flow.Activity("mystery", "Acme.DoesNotExist"),
                Flow.Activity("script", "Elsa.WriteLine", ("text", Flow.Expr("JavaScript", "return (1 +;", "String"))),
                Flow.Activity("liquid", "Elsa.WriteLine", ("text", Flow.Expr("Liquid", "{% if %}", "String"))),
                Flow.Activity("delay", "Elsa.Delay", ("timeSpan", Flow.Literal("not a time span", "TimeSpan"))),
                Flow.Activity("event", "Elsa.Event"),
                Flow.Activity("decide", "Elsa.FlowDecision"),
            ],
            [
                Flow.Connect("start", "ghost"),
                Flow.Connect("decide", "start", "Maybe"),
            ]);

        var problems = engine.Compiler.Validate(definition);

        Assert.Contains(problems, p => p.ActivityId == "mystery" && p.Message.Contains("unknown activity type 'Acme.DoesNotExist'"));
        Assert.Contains(problems, p => p.ActivityId == "script" && p.Message.Contains("Input 'Text'") && p.Message.Contains("JavaScript does not parse"));
        Assert.Contains(problems, p => p.ActivityId == "liquid" && p.Message.Contains("Liquid does not parse"));
        Assert.Contains(problems, p => p.ActivityId == "delay" && p.Message.Contains("Input 'TimeSpan'"));
        Assert.Contains(problems, p => p.ActivityId == "event" && p.Message.Contains("required input 'EventName' is missing"));
        Assert.Contains(problems, p => p.ActivityId == "start" && p.Message.Contains("'ghost', which does not exist"));
        Assert.Contains(problems, p => p.ActivityId == "decide" && p.Message.Contains("port 'Maybe'"));
        Assert.Equal(7, problems.Count);
    }

    [Fact]
    public void Validate_CronTriggerThatDoesNotParse_IsAProblemOfThatActivity()
    {
        using var engine = new TestEngine();
        var definition = Flow.Sequence(Flow.Activity("every", "Elsa.Cron", ("cronExpression", Flow.Literal("every tuesday"))), Flow.WriteLine("w", "x"));

        var problem = Assert.Single(engine.Compiler.Validate(definition));

        Assert.Equal("every", problem.ActivityId);
        Assert.Contains("cron", problem.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Validate_DuplicateActivityIds_IsAProblem()
    {
        using var engine = new TestEngine();
        var definition = Flow.Definition([Flow.WriteLine("a", "x"), Flow.WriteLine("a", "y")], []);

        var problem = Assert.Single(engine.Compiler.Validate(definition));

        Assert.Equal("a", problem.ActivityId);
    }

    [Fact]
    public async Task Run_InvalidDefinition_ThrowsWithProblems()
    {
        using var engine = new TestEngine();
        var definition = Flow.Sequence(Flow.Activity("x", "Acme.Nope"));

        var exception = await Assert.ThrowsAsync<Automation.Engine.Definitions.WorkflowValidationException>(() => engine.RunAsync(definition).AsTask());

        Assert.Single(exception.Problems);
    }

    [Fact]
    public async Task Connection_FromARenamedOutcomesFormerName_ValidatesAndIsFollowed()
    {
        using var engine = new TestEngine(register: registry => registry.Register(typeof(Gate)));
        var definition = Flow.Definition(
            [
                Flow.Activity("start", "Elsa.Start"),
                Flow.Activity("gate", "Acme.Gate"),
                Flow.Activity("opened", "Elsa.WriteLine", ("text", Flow.Literal("followed the former name"))),
            ],
            [
                Flow.Connect("start", "gate"),
                Flow.Connect("gate", "opened", "Pass"),
            ]);

        Assert.Empty(engine.Compiler.Validate(definition));
        await engine.RunAsync(definition);

        Assert.Equal(["followed the former name"], engine.Lines);
    }

    [Activity("Acme", "Samples", "Always opens.")]
    [FlowNode("Open", "Closed")]
    [RenamedOutcome("Pass", "Open")]
    public sealed class Gate : Activity
    {
        public override ValueTask ExecuteAsync(ActivityExecutionContext context)
        {
            context.Complete("Open");
            return ValueTask.CompletedTask;
        }
    }
}
