namespace Automation.Engine.Expressions;

/// <summary>An expression failed to parse or evaluate. The engine turns it into an incident naming the activity and input.</summary>
public sealed class ExpressionException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="inputName">The input whose expression failed.</param>
    /// <param name="reason">What failed; never patient data.</param>
    /// <param name="innerException">The cause.</param>
    public ExpressionException(string inputName, string reason, Exception? innerException = null)
        : base($"Input '{inputName}': {reason}", innerException)
    {
        InputName = inputName;
        Reason = reason;
    }

    /// <summary>The input whose expression failed.</summary>
    public string InputName { get; }

    /// <summary>What failed.</summary>
    public string Reason { get; }
}
