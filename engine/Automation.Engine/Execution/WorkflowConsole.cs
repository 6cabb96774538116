namespace Automation.Engine.Execution;

/// <summary>Where <c>Elsa.WriteLine</c> writes. The host decides: the CLI prints to standard output; tests capture.</summary>
public sealed class WorkflowConsole
{
    /// <summary>Creates a console writing to <paramref name="writer"/>.</summary>
    /// <param name="writer">The writer; defaults to <see cref="Console.Out"/>.</param>
    public WorkflowConsole(TextWriter? writer = null) => Writer = writer ?? Console.Out;

    /// <summary>The writer.</summary>
    public TextWriter Writer { get; }

    internal void WriteLine(string text)
    {
        lock (Writer)
        {
            Writer.WriteLine(text);
        }
    }
}
