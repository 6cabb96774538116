using Automation.Engine.Definitions;

namespace Automation.Cli.Commands;

/// <summary>Reads a definition file, reporting why it cannot be read.</summary>
internal static class DefinitionFile
{
    public static async Task<WorkflowDefinition?> ReadAsync(FileInfo file, TextWriter error, CancellationToken cancellationToken)
    {
        if (!file.Exists)
        {
            await error.WriteLineAsync($"workflow: file '{file.FullName}' does not exist.").ConfigureAwait(false);
            return null;
        }

        try
        {
            var definition = WorkflowDefinitionJson.Parse(await File.ReadAllTextAsync(file.FullName, cancellationToken).ConfigureAwait(false));
            if (string.IsNullOrEmpty(definition.DefinitionId))
            {
                definition.DefinitionId = Path.GetFileNameWithoutExtension(file.Name);
            }

            if (string.IsNullOrEmpty(definition.Id))
            {
                definition.Id = definition.DefinitionId + "-v" + definition.Version;
            }

            return definition;
        }
        catch (WorkflowDefinitionFormatException exception)
        {
            await error.WriteLineAsync($"workflow: {exception.Message} ({exception.JsonPath})").ConfigureAwait(false);
            return null;
        }
    }
}
