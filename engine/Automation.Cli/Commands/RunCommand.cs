using System.CommandLine;
using System.Text.Json;
using Automation.Engine.Execution;
using Automation.Engine.Expressions;
using Automation.Persistence;
using Microsoft.Extensions.DependencyInjection;

namespace Automation.Cli.Commands;

/// <summary>
/// <c>automation run FILE [--input name=value ...] [--db sqlite|postgres] [--connection STRING]</c>: stores the
/// definition, runs it until it finishes, faults or suspends, prints the journal, and last <c>status: ...</c>.
/// </summary>
internal static class RunCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var file = new Argument<FileInfo>("file") { Description = "The workflow definition (Elsa 3 JSON)." };
        var inputs = new Option<string[]>("--input") { Description = "A workflow input as name=value (JSON values are parsed).", AllowMultipleArgumentsPerToken = true };
        var db = StoreOptions.Provider();
        var connection = StoreOptions.Connection();
        var plugins = CommonOptions.Plugins();
        var patients = CommonOptions.Patients();
        var command = new Command("run", "Runs a definition until it finishes, faults or suspends.") { file, inputs, db, connection, plugins, patients };
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var definition = await DefinitionFile.ReadAsync(parseResult.GetValue(file)!, error, cancellationToken).ConfigureAwait(false);
            if (definition is null)
            {
                return CliApplication.Invalid;
            }

            if (!TryParseInputs(parseResult.GetValue(inputs) ?? [], out var input, out var inputError))
            {
                await error.WriteLineAsync(inputError).ConfigureAwait(false);
                return CliApplication.Invalid;
            }

            var provider = parseResult.GetValue(db)!;
            var store = WorkflowStoreFactory.Create(provider, parseResult.GetValue(connection) ?? StoreOptions.DefaultConnection(provider));
            using var services = CommonOptions.EngineServices(parseResult.GetValue(plugins), error, output, s => s.AddSingleton(store), parseResult.GetValue(patients));

            // Validate before anything is stored, so a definition that cannot run leaves nothing behind.
            var problems = services.GetRequiredService<WorkflowCompiler>().Validate(definition);
            if (problems.Count > 0)
            {
                foreach (var problem in problems)
                {
                    await error.WriteLineAsync(problem.ToString()).ConfigureAwait(false);
                }

                return CliApplication.Invalid;
            }

            await store.MigrateAsync(cancellationToken).ConfigureAwait(false);
            definition.IsLatest = true;
            definition.IsPublished = true;
            await store.SaveDefinitionAsync(definition, cancellationToken).ConfigureAwait(false);
            var result = await services.GetRequiredService<WorkflowRuntime>()
                .StartAsync(definition, new StartWorkflowOptions { Input = input }, cancellationToken).ConfigureAwait(false);
            foreach (var entry in result.Journal)
            {
                await output.WriteLineAsync(entry.ToString()).ConfigureAwait(false);
            }

            await output.WriteLineAsync($"instance: {result.InstanceId}").ConfigureAwait(false);
            await output.WriteLineAsync($"status: {result.Status}").ConfigureAwait(false);
            return result.Status is WorkflowStatus.Finished or WorkflowStatus.Suspended ? CliApplication.Ok : CliApplication.Failed;
        });
        return command;
    }

    private static bool TryParseInputs(string[] pairs, out Dictionary<string, object?> input, out string error)
    {
        input = new Dictionary<string, object?>(StringComparer.Ordinal);
        error = "";
        foreach (var pair in pairs)
        {
            var separator = pair.IndexOf('=', StringComparison.Ordinal);
            if (separator <= 0)
            {
                error = $"--input '{pair}' must be name=value.";
                return false;
            }

            var value = pair[(separator + 1)..];
            input[pair[..separator]] = ParseValue(value);
        }

        return true;
    }

    private static object? ParseValue(string value)
    {
        try
        {
            return PlainJson.Parse(value);
        }
        catch (JsonException)
        {
            return value;
        }
    }
}
