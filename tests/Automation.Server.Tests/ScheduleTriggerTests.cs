using System.Net.Http.Json;
using System.Text.Json;
using Automation.Engine.Execution;
using Automation.Engine.Persistence;
using Microsoft.Extensions.DependencyInjection;

namespace Automation.Server.Tests;

public sealed class ScheduleTriggerTests : IDisposable
{
    private readonly string data = Directory.CreateTempSubdirectory("automation-server-").FullName;
    private readonly string workflows = Path.Combine(AppContext.BaseDirectory, "Workflows");
    private readonly StringWriter console = new();

    [Theory]
    [InlineData("every-second-timer")]
    [InlineData("every-second-cron")]
    public async Task PublishedWorkflowWithScheduleTrigger_StartsOnItsSchedule(string definitionId)
    {
        await using var server = new ServerFactory(data, workflows, console);
        _ = server.CreateClient();
        var store = server.Services.GetRequiredService<IWorkflowStore>();

        InstancePage page = new([], 0);
        for (var i = 0; i < 60 && page.TotalCount < 2; i++)
        {
            await Task.Delay(100);
            page = await store.ListInstancesAsync(new InstanceQuery { DefinitionId = definitionId, Status = WorkflowStatus.Finished });
        }

        Assert.True(page.TotalCount >= 2, $"{definitionId} started {page.TotalCount} times in 6 s");
    }

    [Fact]
    public async Task BrokenPlugin_IsReportedAndHostServes()
    {
        Directory.CreateDirectory(Path.Combine(data, "plugins"));
        await File.WriteAllTextAsync(Path.Combine(data, "plugins", "Broken.dll"), "not an assembly");
        await using var server = new ServerFactory(data, workflows, console);
        var client = await server.SignedInClientAsync();

        var plugins = await client.GetFromJsonAsync<JsonElement>("/api/plugins");
        var descriptors = await client.GetFromJsonAsync<JsonElement>("/api/activities/descriptors");

        var broken = Assert.Single(plugins.EnumerateArray());
        Assert.EndsWith("Broken.dll", broken.GetProperty("path").GetString(), StringComparison.Ordinal);
        Assert.Contains("BadImageFormatException", broken.GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.True(descriptors.GetProperty("count").GetInt32() > 15);
        var typeNames = descriptors.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("typeName").GetString()).ToList();
        Assert.Contains("Healthcare.FetchPatient", typeNames);
        Assert.Contains("Healthcare.FhirSearch", typeNames);
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(data, recursive: true);
    }
}
