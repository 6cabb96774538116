namespace Automation.Activities.Segments.Language;

/// <summary>One thing wrong with a segment document.</summary>
/// <param name="Path">Where, as a JSON path into the document (e.g. <c>$.rules.all[2].condition.codes[0]</c>).</param>
/// <param name="Message">What is wrong.</param>
public sealed record SegmentProblem(string Path, string Message)
{
    /// <inheritdoc />
    public override string ToString() => Path + ": " + Message;
}
