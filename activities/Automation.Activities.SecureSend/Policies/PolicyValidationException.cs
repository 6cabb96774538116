namespace Automation.Activities.SecureSend.Policies;

/// <summary>A policy file is not valid; <see cref="Errors"/> lists every problem with its JSON path.</summary>
public sealed class PolicyValidationException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="source">The file or policy name.</param>
    /// <param name="errors">The problems, each starting with a JSON path (<c>$.rules[0].methods[1]</c>).</param>
    public PolicyValidationException(string source, IReadOnlyList<string> errors)
        : base($"Policy '{source}' is invalid: " + string.Join("; ", errors))
    {
        Source = source;
        Errors = errors;
    }

    /// <summary>The file or policy name.</summary>
    public new string Source { get; }

    /// <summary>The problems, each starting with a JSON path.</summary>
    public IReadOnlyList<string> Errors { get; }
}
