using System.Text.Json.Nodes;
using Automation.Engine.Definitions;
using Automation.Engine.Execution;
using Automation.Engine.Tests.Support;

namespace Automation.Engine.Tests.Definitions;

public sealed class WorkflowDefinitionJsonTests
{
    private static string Golden(string name) => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Golden", name));

    [Fact]
    public void Parse_ElsaExportWithSchema_ReadsFieldsAndTolerantBooleans()
    {
        var definition = WorkflowDefinitionJson.Parse(Golden("elsa-export-fork-three-writelines.json"));

        Assert.Equal("4a1f6c2e9b0d7e35", definition.Id);
        Assert.Equal("fork-three-lines", definition.DefinitionId);
        Assert.Equal(3, definition.Version);
        Assert.True(definition.IsLatest);
        Assert.False(definition.IsPublished);
        Assert.Equal(5, definition.Root.Activities.Count);
        Assert.Equal(4, definition.Root.Connections.Count);
        Assert.Equal(new Connection("fork1", "Two", "line2", "In"), definition.Root.Connections[2]);
    }

    [Fact]
    public async Task Run_ElsaExportedForkIntoThreeWriteLines_PrintsAllThreeLines()
    {
        using var engine = new TestEngine();
        var definition = WorkflowDefinitionJson.Parse(Golden("elsa-export-fork-three-writelines.json"));

        Assert.Empty(engine.Compiler.Validate(definition));
        var result = await engine.RunAsync(definition);

        Assert.Equal(WorkflowStatus.Finished, result.Status);
        Assert.Equal(["Line one", "Line two", "Line three"], engine.Lines);
    }

    [Fact]
    public void Serialize_AfterParse_KeepsUnknownPropertiesAndDesignerMetadata()
    {
        var original = JsonNode.Parse(Golden("elsa-export-fork-three-writelines.json"))!;

        var roundTripped = JsonNode.Parse(WorkflowDefinitionJson.Serialize(WorkflowDefinitionJson.Parse(original.ToJsonString())))!;

        Assert.True(JsonNode.DeepEquals(original, roundTripped), "the round trip changed the document");
        Assert.Equal(200, roundTripped["root"]!["activities"]![2]!["metadata"]!["designer"]!["position"]!["x"]!.GetValue<int>());
        Assert.Equal("fork1:input-1", roundTripped["root"]!["activities"]![1]!["branches"]!["memoryReference"]!["id"]!.GetValue<string>());
    }

    [Fact]
    public void Parse_ActivitiesWithoutNodeId_AssignsStableNodeIds()
    {
        var definition = WorkflowDefinitionJson.Parse("""{"definitionId":"d","root":{"type":"Elsa.Flowchart","id":"root","activities":[{"id":"w1","type":"Elsa.WriteLine"}]}}""");

        Assert.Equal("Workflow1:root", definition.Root.Json["nodeId"]!.GetValue<string>());
        Assert.Equal("Workflow1:root:w1", definition.Root.Activities[0].NodeId);
        Assert.Equal("Workflow1:root:w1", WorkflowDefinitionJson.Parse(WorkflowDefinitionJson.Serialize(definition)).Root.Activities[0].NodeId);
    }

    [Fact]
    public void Parse_BareRootFromStudioCreate_FillsActivitiesAndConnections()
    {
        var definition = WorkflowDefinitionJson.Parse("""{"definitionId":"new","root":{"id":"root","type":"Elsa.Flowchart","version":1,"name":"Flowchart1"}}""");

        Assert.NotNull(definition.Root.Json["activities"] as JsonArray);
        Assert.NotNull(definition.Root.Json["connections"] as JsonArray);
        Assert.Empty(definition.Root.Activities);
    }

    [Fact]
    public async Task Parse_Elsa30ConnectionFormat_RunsInOrder()
    {
        using var engine = new TestEngine();
        var definition = WorkflowDefinitionJson.Parse(Golden("elsa-3-0-connections.json"));

        await engine.RunAsync(definition);

        Assert.Equal(["first", "second"], engine.Lines);
    }

    [Theory]
    [InlineData("{\"root\": ", "line 1")]
    [InlineData("{\n  \"root\": {\"type\": \"Elsa.Flowchart\",\n  \"activities\": [ }\n}", "line 3")]
    public void Parse_MalformedJson_ThrowsWithLine(string json, string where)
    {
        var exception = Assert.Throws<WorkflowDefinitionFormatException>(() => WorkflowDefinitionJson.Parse(json));

        Assert.Contains(where, exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_RootThatIsNotAFlowchart_ThrowsWithPath()
    {
        var exception = Assert.Throws<WorkflowDefinitionFormatException>(() => WorkflowDefinitionJson.Parse("""{"root":{"type":"Elsa.Sequence"}}"""));

        Assert.Equal("$.root.type", exception.JsonPath);
    }
}
