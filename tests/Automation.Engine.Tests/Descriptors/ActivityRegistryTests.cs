using System.Text.Json;
using System.Text.Json.Nodes;
using Automation.Engine.Activities;
using Automation.Engine.Descriptors;

namespace Automation.Engine.Tests.Descriptors;

public sealed class ActivityRegistryTests
{
    private static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web);

    [Theory]
    [InlineData("Elsa.Start")]
    [InlineData("Elsa.End")]
    [InlineData("Elsa.Finish")]
    [InlineData("Elsa.FlowDecision")]
    [InlineData("Elsa.FlowSwitch")]
    [InlineData("Elsa.FlowFork")]
    [InlineData("Elsa.FlowJoin")]
    [InlineData("Elsa.SetVariable")]
    [InlineData("Elsa.WriteLine")]
    [InlineData("Elsa.Correlate")]
    [InlineData("Elsa.Fault")]
    [InlineData("Elsa.Delay")]
    [InlineData("Elsa.Timer")]
    [InlineData("Elsa.Cron")]
    [InlineData("Elsa.StartAt")]
    [InlineData("Elsa.Event")]
    [InlineData("Elsa.PublishEvent")]
    [InlineData("Elsa.Flowchart")]
    public void CoreActivities_AreRegisteredUnderElsaTypeNames(string typeName) =>
        Assert.NotNull(new ActivityRegistry().FindDescriptor(typeName));

    [Fact]
    public void Descriptor_SerializesWithEveryFieldStudioReads()
    {
        var studio = JsonNode.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Studio", "stub-activity-descriptors-response.json")))!;
        var studioDescriptor = studio["items"]!.AsArray().First(i => i!["typeName"]!.GetValue<string>() == "Healthcare.FetchPatient")!.AsObject();
        var ours = JsonSerializer.SerializeToNode(new ActivityRegistry().FindDescriptor("Elsa.Event"), Web)!.AsObject();

        foreach (var (key, _) in studioDescriptor)
        {
            Assert.True(ours.ContainsKey(key), $"descriptor lacks '{key}'");
        }

        var studioInput = studioDescriptor["inputs"]![0]!.AsObject();
        var ourInput = ours["inputs"]![0]!.AsObject();
        foreach (var (key, _) in studioInput.Where(p => p.Key != "isSynthetic"))
        {
            Assert.True(ourInput.ContainsKey(key), $"input descriptor lacks '{key}'");
        }

        Assert.Equal("Trigger", ours["kind"]!.GetValue<string>());
        Assert.Equal("Result", ours["outputs"]![0]!["name"]!.GetValue<string>());
    }

    [Fact]
    public void Descriptor_DropdownDefaultsAndPorts_MatchAttributes()
    {
        var registry = new ActivityRegistry();
        registry.Register(typeof(SampleNotify));

        var descriptor = registry.FindDescriptor("Acme.SampleNotify")!;
        var node = JsonSerializer.SerializeToNode(descriptor, Web)!;

        Assert.Equal("Acme", descriptor.Namespace);
        Assert.Equal("Notify someone", descriptor.DisplayName);
        Assert.Equal(["Sent", "Failed"], descriptor.Ports.Select(p => p.Name));
        var channel = descriptor.Inputs.Single(i => i.Name == "Channel");
        Assert.Equal("dropdown", channel.UIHint);
        Assert.Equal("Email", channel.DefaultValue);
        Assert.Equal("SMS", node["inputs"]![1]!["uiSpecifications"]!["dropdown"]!["selectList"]!["items"]![1]!["value"]!.GetValue<string>());
        Assert.Equal("checkbox", descriptor.Inputs.Single(i => i.Name == "Urgent").UIHint);
        Assert.Equal(["Recipient", "Channel", "Urgent"], descriptor.Inputs.Select(i => i.Name));
    }

    [Fact]
    public void Descriptors_DynamicOutcomeActivities_HaveNoFixedPortsAndAreNotTerminal()
    {
        var registry = new ActivityRegistry();

        var fork = registry.FindDescriptor("Elsa.FlowFork")!;
        var end = registry.FindDescriptor("Elsa.End")!;

        Assert.Empty(fork.Ports);
        Assert.False(fork.IsTerminal);
        Assert.True(end.IsTerminal);
        Assert.Equal("dynamic-outcomes", fork.Inputs.Single().UIHint);
        Assert.False(registry.FindDescriptor("Elsa.FlowSwitch")!.Inputs.Single(i => i.Name == "Cases").IsWrapped);
    }

    [Fact]
    public void Descriptor_DynamicOutcomesActivityWithDeclaredOutcomes_ListsThemAsStudiosFixedOutcomes()
    {
        var registry = new ActivityRegistry();
        registry.Register(typeof(Router));

        var node = JsonSerializer.SerializeToNode(registry.FindDescriptor("Acme.Router"), Web)!;

        var routes = node["inputs"]!.AsArray().Single(i => i!["name"]!.GetValue<string>() == "Routes")!;
        Assert.Equal(["Nowhere"], routes["uiSpecifications"]!["DynamicOutcomesOptions"]!["fixedOutcomes"]!.AsArray().Select(o => o!.GetValue<string>()));
        Assert.Null(registry.FindDescriptor("Elsa.FlowFork")!.Inputs.Single().UISpecifications);
    }

    [Fact]
    public void Register_TypeWithoutActivityAttribute_Throws() =>
        Assert.Throws<ArgumentException>(() => new ActivityRegistry().Register(typeof(Undecorated)));

    [Fact]
    public void Register_OutcomeNamedIn_IsRefused_BecauseStudioDrawsEveryNodesInputPortUnderThatName()
    {
        var exception = Assert.Throws<ArgumentException>(() => new ActivityRegistry().Register(typeof(InOutGate)));

        Assert.Contains("'In'", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Register_RenameToAnUndeclaredOutcome_IsRefused() =>
        Assert.Throws<ArgumentException>(() => new ActivityRegistry().Register(typeof(BadRename)));

    [Activity("Acme", "Samples", "Routes by name, or Nowhere.")]
    [FlowNode("Nowhere")]
    public sealed class Router : Activity
    {
        [Input(UIHint = UIHints.DynamicOutcomes, DefaultSyntax = "Object")]
        public Input<List<string>> Routes { get; set; } = new();

        public override IEnumerable<string> GetDynamicOutcomes() => Routes.TryGetConstant(out var routes) && routes is not null ? routes : [];

        public override ValueTask ExecuteAsync(ActivityExecutionContext context)
        {
            context.Complete("Nowhere");
            return ValueTask.CompletedTask;
        }
    }

    [Activity("Acme", "Samples", "Outcomes named like ports.")]
    [FlowNode("In", "Out")]
    public sealed class InOutGate : Activity
    {
        public override ValueTask ExecuteAsync(ActivityExecutionContext context) => ValueTask.CompletedTask;
    }

    [Activity("Acme", "Samples", "Renames to an outcome it does not have.")]
    [FlowNode("Yes", "No")]
    [RenamedOutcome("Ok", "Maybe")]
    public sealed class BadRename : Activity
    {
        public override ValueTask ExecuteAsync(ActivityExecutionContext context) => ValueTask.CompletedTask;
    }

    [Activity("Acme", "Samples", "Notifies someone.", DisplayName = "Notify someone")]
    [FlowNode("Sent", "Failed")]
    public sealed class SampleNotify : Activity
    {
        [Input(Description = "Who.", Required = true)]
        public Input<string> Recipient { get; set; } = new();

        [Input(Options = ["Email", "SMS"], DefaultValue = "Email")]
        public Input<string> Channel { get; set; } = new();

        [Input]
        public Input<bool> Urgent { get; set; } = new();

        public override ValueTask ExecuteAsync(ActivityExecutionContext context)
        {
            context.Complete("Sent");
            return ValueTask.CompletedTask;
        }
    }

    public sealed class Undecorated : Activity
    {
        public override ValueTask ExecuteAsync(ActivityExecutionContext context) => ValueTask.CompletedTask;
    }
}
