using System.CommandLine;
using Automation.Cli.Commands;

namespace Automation.Cli;

/// <summary>The <c>automation</c> command line: what an operator or a test script does without a browser.</summary>
public static class CliApplication
{
    /// <summary>Exit code for success (Finished or Suspended).</summary>
    public const int Ok = 0;

    /// <summary>Exit code for a run that Faulted or was Cancelled.</summary>
    public const int Failed = 1;

    /// <summary>Exit code for a definition that cannot run (unreadable or invalid).</summary>
    public const int Invalid = 2;

    /// <summary>Runs the command line.</summary>
    /// <param name="args">The arguments.</param>
    /// <param name="output">Standard output.</param>
    /// <param name="error">Standard error.</param>
    /// <param name="input">Standard input (passwords); defaults to none.</param>
    /// <param name="transport">How commands that talk to a running server reach it; defaults to the network (tests pass
    /// an in-process server's handler).</param>
    /// <returns>The exit code.</returns>
    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, TextReader? input = null, HttpMessageHandler? transport = null)
    {
        var root = new RootCommand("Automation: secure patient-engagement workflow engine.")
        {
            RunCommand.Create(output, error),
            ValidateCommand.Create(output, error),
            DescriptorsCommand.Create(output, error),
            UsersCommand.Create(input ?? TextReader.Null, output, error),
            FhirCommand.Create(output, error),
            SynthCommand.Create(output, error),
            AuditCommand.Create(output, error),
            ConsentCommand.Create(output, error),
            SendCommand.Create(output, error),
            RecipientsCommand.Create(output, error),
            SegmentCommand.Create(output, error),
            BenchCommand.Create(output, error),
            AudienceCommand.Create(output, error, transport),
        };
        var parseResult = root.Parse(args);
        if (parseResult.Errors.Count > 0)
        {
            foreach (var parseError in parseResult.Errors)
            {
                await error.WriteLineAsync(parseError.Message).ConfigureAwait(false);
            }

            return Invalid;
        }

        return await parseResult.InvokeAsync(new InvocationConfiguration { Output = output, Error = error }).ConfigureAwait(false);
    }
}
