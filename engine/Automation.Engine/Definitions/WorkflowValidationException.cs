namespace Automation.Engine.Definitions;

/// <summary>Thrown when a definition that fails validation is run or published.</summary>
public sealed class WorkflowValidationException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="problems">Every problem found.</param>
    public WorkflowValidationException(IReadOnlyList<ValidationProblem> problems)
        : base("The workflow definition is invalid: " + string.Join("; ", problems)) => Problems = problems;

    /// <summary>Every problem found.</summary>
    public IReadOnlyList<ValidationProblem> Problems { get; }
}
