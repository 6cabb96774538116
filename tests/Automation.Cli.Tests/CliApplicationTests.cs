using Automation.Engine.Persistence;
using Automation.Persistence;

namespace Automation.Cli.Tests;

public sealed class CliApplicationTests : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("automation-cli-").FullName;

    private string Connection => "Data Source=" + Path.Combine(folder, "cli.db");

    private static string Workflow(string name) => Path.Combine(AppContext.BaseDirectory, "Workflows", name);

    private static string Golden(string name) => Path.Combine(AppContext.BaseDirectory, "Golden", name);

    private static async Task<(int Exit, string[] Out, string Err)> RunAsync(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var exit = await CliApplication.RunAsync(args, output, error);
        return (exit, output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r')).ToArray(), error.ToString());
    }

    [Fact]
    public async Task Run_ElsaExportedFork_PrintsThreeLinesJournalAndFinished()
    {
        var (exit, lines, _) = await RunAsync("run", Golden("elsa-export-fork-three-writelines.json"), "--connection", Connection);

        Assert.Equal(0, exit);
        Assert.Equal(["Line one", "Line two", "Line three"], lines.Take(3));
        Assert.Contains(lines, l => l.Contains(" fork1 (Elsa.FlowFork) Completed [One,Two,Three]", StringComparison.Ordinal));
        Assert.Equal(10, lines.Count(l => l.Contains("(Elsa.", StringComparison.Ordinal)));
        Assert.Equal("status: Finished", lines[^1]);
    }

    [Fact]
    public async Task Run_DelayWorkflow_SuspendsWithExitZero()
    {
        var (exit, lines, _) = await RunAsync("run", Workflow("delay-then-write.json"), "--connection", Connection);

        Assert.Equal(0, exit);
        Assert.Equal("status: Suspended", lines[^1]);
        Assert.DoesNotContain("timer fired", lines);
    }

    [Fact]
    public async Task Run_FaultingWorkflow_ExitsOneWithFaulted()
    {
        var (exit, lines, _) = await RunAsync("run", Workflow("faulting.json"), "--connection", Connection);

        Assert.Equal(1, exit);
        Assert.Contains(lines, l => l.Contains("Faulted", StringComparison.Ordinal) && l.Contains("deliberate", StringComparison.Ordinal));
        Assert.Equal("status: Faulted", lines[^1]);
    }

    [Theory]
    [InlineData("invalid.json", "mystery: unknown activity type")]
    [InlineData("missing.json", "does not exist")]
    public async Task Run_DefinitionThatCannotRun_ExitsTwoAndStoresNothing(string file, string reason)
    {
        var (exit, lines, error) = await RunAsync("run", Workflow(file), "--connection", Connection);

        Assert.Equal(2, exit);
        Assert.Contains(reason, error, StringComparison.Ordinal);
        Assert.Empty(lines);
        var store = WorkflowStoreFactory.Create("sqlite", Connection);
        await store.MigrateAsync();
        Assert.Empty(await store.ListDefinitionsAsync(VersionOptions.AllVersions));
        Assert.Equal(0, (await store.ListInstancesAsync(new InstanceQuery())).TotalCount);
    }

    [Fact]
    public async Task Run_MalformedJson_ExitsTwoWithLine()
    {
        var path = Path.Combine(folder, "broken.json");
        await File.WriteAllTextAsync(path, "{\n  \"root\": {\n    \"type\": \"Elsa.Flowchart\",,\n}");

        var (exit, _, error) = await RunAsync("run", path, "--connection", Connection);

        Assert.Equal(2, exit);
        Assert.Contains("Malformed JSON at line 3", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Validate_InvalidDefinition_ListsEveryProblemWithActivityId()
    {
        var (exit, lines, _) = await RunAsync("validate", Workflow("invalid.json"));

        Assert.Equal(2, exit);
        Assert.Contains(lines, l => l.StartsWith("mystery: unknown activity type 'Acme.Unknown'", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("bad-script: Input 'Text': JavaScript does not parse", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("greet: connection 0 ends at activity 'nowhere'", StringComparison.Ordinal));
        Assert.Equal(3, lines.Length);
    }

    [Fact]
    public async Task Validate_ValidDefinition_ExitsZero()
    {
        var (exit, lines, _) = await RunAsync("validate", Golden("elsa-export-fork-three-writelines.json"));

        Assert.Equal(0, exit);
        Assert.Equal(["valid"], lines);
    }

    [Fact]
    public async Task Descriptors_WithPluginsFolder_ListsPluginActivityAndReportsBrokenPlugin()
    {
        var plugins = PluginsFolder();
        await File.WriteAllTextAsync(Path.Combine(plugins, "Broken.dll"), "not an assembly");

        var output = new StringWriter();
        var error = new StringWriter();
        var exit = await CliApplication.RunAsync(["descriptors", "--plugins", plugins], output, error);

        Assert.Equal(0, exit);
        var document = System.Text.Json.JsonDocument.Parse(output.ToString()).RootElement;
        var typeNames = document.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("typeName").GetString()).ToList();
        Assert.Contains("Acme.GreetPatient", typeNames);
        Assert.Contains("Elsa.WriteLine", typeNames);
        Assert.Equal(typeNames.Count, document.GetProperty("count").GetInt32());
        Assert.Contains("Broken.dll failed to load: BadImageFormatException", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_PluginActivityWithInput_UsesPluginAndOutputs()
    {
        var (exit, lines, error) = await RunAsync("run", Workflow("greet-plugin.json"), "--plugins", PluginsFolder(), "--input", "name=Ana", "--connection", Connection);

        Assert.True(exit == 0, error);
        Assert.Equal(["Hola, Ana!", "output was Hola, Ana!"], lines.Take(2));
        Assert.Equal("status: Finished", lines[^1]);
    }

    [Fact]
    public async Task Run_OnPostgres_Finishes()
    {
        var connection = Environment.GetEnvironmentVariable("AUTOMATION_TEST_POSTGRES")
            ?? "Host=127.0.0.1;Port=5432;Username=automation;Password=automation;Database=automation_test";

        var (exit, lines, error) = await RunAsync("run", Golden("elsa-export-fork-three-writelines.json"), "--db", "postgres", "--connection", connection);

        Assert.True(exit == 0, error);
        Assert.Equal("status: Finished", lines[^1]);
    }

    private string PluginsFolder()
    {
        var configuration = AppContext.BaseDirectory.Contains("/Release/", StringComparison.Ordinal) ? "Release" : "Debug";
        var built = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "../../../../../activities/samples/Acme.SamplePlugin/bin", configuration, "net10.0"));
        var target = Path.Combine(folder, "plugins", "Acme.SamplePlugin");
        Directory.CreateDirectory(target);
        foreach (var file in Directory.GetFiles(built))
        {
            File.Copy(file, Path.Combine(target, Path.GetFileName(file)), overwrite: true);
        }

        return Path.Combine(folder, "plugins");
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(folder, recursive: true);
    }
}
