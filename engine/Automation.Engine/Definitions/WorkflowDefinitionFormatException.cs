namespace Automation.Engine.Definitions;

/// <summary>Thrown when a definition's JSON cannot be read at all (as opposed to validation problems, which are listed).</summary>
public sealed class WorkflowDefinitionFormatException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">What is wrong.</param>
    /// <param name="jsonPath">Where, as a JSON path.</param>
    /// <param name="innerException">The parser's exception, if any.</param>
    public WorkflowDefinitionFormatException(string message, string jsonPath, Exception? innerException = null)
        : base(message, innerException) => JsonPath = jsonPath;

    /// <summary>The JSON path at fault, for example <c>$.root.activities[2]</c>.</summary>
    public string JsonPath { get; }
}
