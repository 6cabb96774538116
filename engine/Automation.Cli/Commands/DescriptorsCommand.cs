using System.CommandLine;
using System.Text.Json;
using Automation.Engine.Descriptors;
using Microsoft.Extensions.DependencyInjection;

namespace Automation.Cli.Commands;

/// <summary><c>automation descriptors [--plugins DIR]</c>: prints the activity descriptors as <c>{items, count}</c>.</summary>
internal static class DescriptorsCommand
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public static Command Create(TextWriter output, TextWriter error)
    {
        var plugins = CommonOptions.Plugins();
        var command = new Command("descriptors", "Prints the activity descriptors (Elsa Studio's shape) as JSON.") { plugins };
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            using var services = CommonOptions.EngineServices(parseResult.GetValue(plugins), error);
            var descriptors = services.GetRequiredService<ActivityRegistry>().Descriptors;
            await output.WriteLineAsync(JsonSerializer.Serialize(new { items = descriptors, count = descriptors.Count }, Json)).ConfigureAwait(false);
            return CliApplication.Ok;
        });
        return command;
    }
}
