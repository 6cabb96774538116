namespace Automation.Activities.Segments.Language;

/// <summary>A segment document is invalid; <see cref="Problems"/> lists every problem with its JSON path.</summary>
public sealed class SegmentValidationException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="problems">The problems (at least one).</param>
    public SegmentValidationException(IReadOnlyList<SegmentProblem> problems)
        : base("The segment is invalid: " + string.Join("; ", problems ?? []))
    {
        Problems = problems ?? [];
    }

    /// <summary>Creates the exception.</summary>
    public SegmentValidationException()
        : this([])
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">The message.</param>
    public SegmentValidationException(string message)
        : base(message)
    {
        Problems = [new SegmentProblem("$", message)];
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public SegmentValidationException(string message, Exception innerException)
        : base(message, innerException)
    {
        Problems = [new SegmentProblem("$", message)];
    }

    /// <summary>The problems, each with its JSON path.</summary>
    public IReadOnlyList<SegmentProblem> Problems { get; }
}
