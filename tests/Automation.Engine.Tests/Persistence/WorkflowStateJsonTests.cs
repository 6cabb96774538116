using System.Text;
using System.Text.Json;
using Automation.Engine.Execution;
using Automation.Engine.Expressions;
using Automation.Engine.Persistence;

namespace Automation.Engine.Tests.Persistence;

/// <summary>Instance states read back from a store: values come back as the plain JSON shape, read straight from the
/// bytes, exactly as parsing them into a document and converting it would give them.</summary>
public sealed class WorkflowStateJsonTests
{
    private const string Values = """
        {"text":"é \"q\" \u2028","whole":9007199254740993,"negative":-3,"fraction":0.1,"exponent":1e300,"yes":true,"no":false,
         "nothing":null,"empty":{},"list":[1,2.5,"x",null,[],{"a":[{"b":1}]}],"dup":1,"dup":2,"nested":{"z":{"y":{"x":[true]}}}}
        """;

    [Fact]
    public void Values_ComeBackInThePlainShape_AsTheDocumentConversionGivesThem()
    {
        var json = $$$"""{"instanceId":"i1","definitionId":"d1","definitionVersionId":"d1:1","variables":{{{Values}}},"input":{"n":[{{{Values}}}]}}""";

        var state = WorkflowStateJson.Deserialize(Encoding.UTF8.GetBytes(json));

        using var document = JsonDocument.Parse(Values);
        var expected = PlainJson.FromElement(document.RootElement);
        Assert.Equal(JsonSerializer.Serialize(expected), JsonSerializer.Serialize(state.Variables));
        Assert.Equal(JsonSerializer.Serialize(new Dictionary<string, object?> { ["n"] = new List<object?> { expected } }), JsonSerializer.Serialize(state.Input));
        Assert.IsType<long>(state.Variables["whole"]);
        Assert.IsType<double>(state.Variables["fraction"]);
        Assert.Equal(2L, state.Variables["dup"]);
        Assert.IsType<List<object?>>(state.Variables["list"]);
        Assert.IsType<Dictionary<string, object?>>(Assert.IsType<List<object?>>(state.Variables["list"])[5]);
    }

    [Fact]
    public void A_State_RoundTrips()
    {
        var state = new WorkflowState { InstanceId = "i1", DefinitionId = "d1", DefinitionVersionId = "d1:1" };
        state.Variables["patient"] = new Dictionary<string, object?>(StringComparer.Ordinal) { ["labs"] = new List<object?> { 7.5, 8L, null }, ["name"] = "Ada" };
        state.Outputs["send"] = new Dictionary<string, object?>(StringComparer.Ordinal) { ["MessageId"] = "m-1" };

        var back = WorkflowStateJson.Deserialize(WorkflowStateJson.Serialize(state));

        Assert.Equal(WorkflowStateJson.Serialize(state), WorkflowStateJson.Serialize(back));
        Assert.Equal("m-1", back.Outputs["send"]["MessageId"]);
    }
}
