using System.CommandLine;
using Automation.Engine.Execution;
using Microsoft.Extensions.DependencyInjection;

namespace Automation.Cli.Commands;

/// <summary><c>automation validate FILE [--plugins DIR]</c>: lists every problem with its activity id.</summary>
internal static class ValidateCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var file = new Argument<FileInfo>("file") { Description = "The workflow definition (Elsa 3 JSON)." };
        var plugins = CommonOptions.Plugins();
        var command = new Command("validate", "Lists every problem in a definition; exit 0 when there is none, 2 otherwise.") { file, plugins };
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var definition = await DefinitionFile.ReadAsync(parseResult.GetValue(file)!, output, cancellationToken).ConfigureAwait(false);
            if (definition is null)
            {
                return CliApplication.Invalid;
            }

            using var services = CommonOptions.EngineServices(parseResult.GetValue(plugins), error);
            var problems = services.GetRequiredService<WorkflowCompiler>().Validate(definition);
            foreach (var problem in problems)
            {
                await output.WriteLineAsync(problem.ToString()).ConfigureAwait(false);
            }

            if (problems.Count == 0)
            {
                await output.WriteLineAsync("valid").ConfigureAwait(false);
            }

            return problems.Count == 0 ? CliApplication.Ok : CliApplication.Invalid;
        });
        return command;
    }
}
