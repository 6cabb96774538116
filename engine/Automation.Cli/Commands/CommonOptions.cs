using System.CommandLine;
using Automation.Activities.Segments;
using Automation.Activities.Segments.Repository;
using Automation.Engine.Descriptors;
using Automation.Engine.Execution;
using Automation.Engine.Hosting;
using Automation.Engine.Plugins;
using Microsoft.Extensions.DependencyInjection;

namespace Automation.Cli.Commands;

internal static class CommonOptions
{
    public static Option<DirectoryInfo?> Plugins() => new("--plugins") { Description = "A folder of activity plugins to load." };

    public static Option<DirectoryInfo?> Patients() =>
        new("--patients") { Description = "The NDJSON patient directory Healthcare activities read (see 'synth'); default ./patients." };

    /// <summary>Builds the engine's services, loading plugins and reporting those that fail on <paramref name="error"/>.</summary>
    public static ServiceProvider EngineServices(DirectoryInfo? plugins, TextWriter error, TextWriter? console = null, Action<IServiceCollection>? configure = null, DirectoryInfo? patients = null)
    {
        var registry = new ActivityRegistry();
        registry.RegisterAssembly(typeof(Automation.Activities.Fhir.Activities.FetchPatient).Assembly);
        registry.RegisterAssembly(typeof(Automation.Activities.Segments.Activities.EvaluateSegment).Assembly);
        if (plugins is not null)
        {
            foreach (var failure in PluginLoader.LoadAll(plugins.FullName, registry).Where(r => !r.Succeeded))
            {
                error.WriteLine($"plugin {failure.Path} failed to load: {failure.Error}");
            }
        }

        var services = new ServiceCollection();
        services.AddSingleton(registry);
        services.AddSingleton(new WorkflowConsole(console ?? TextWriter.Null));
        services.AddSingleton<Automation.Activities.Fhir.Sources.IPatientDataSource>(_ => new Automation.Activities.Fhir.Sources.NdjsonPatientDataSource(patients?.FullName ?? "patients"));
        services.AddSegments(_ => SegmentStore.InMemory());
        configure?.Invoke(services);
        services.AddAutomationEngine();
        var provider = services.BuildServiceProvider();

        // Segment activities look ids up in a catalogue: here it is ./workflows/segments (or the folder AUTOMATION_SEGMENTS names), in memory.
        // The in-memory store completes synchronously, so this does not block.
        var segments = Environment.GetEnvironmentVariable("AUTOMATION_SEGMENTS") is { Length: > 0 } configured ? configured : Path.Combine("workflows", "segments");
        foreach (var skipped in provider.GetRequiredService<SegmentRepository>().InitializeAsync(segments).GetAwaiter().GetResult())
        {
            error.WriteLine($"segment skipped: {skipped}");
        }

        return provider;
    }
}
