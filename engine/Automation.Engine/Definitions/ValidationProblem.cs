namespace Automation.Engine.Definitions;

/// <summary>One reason a definition cannot be published or run.</summary>
/// <param name="ActivityId">The activity concerned, or <c>null</c> for the definition as a whole.</param>
/// <param name="Message">What is wrong.</param>
public sealed record ValidationProblem(string? ActivityId, string Message)
{
    /// <summary>Renders <c>activityId: message</c>, or <c>workflow: message</c>.</summary>
    /// <returns>The line.</returns>
    public override string ToString() => $"{ActivityId ?? "workflow"}: {Message}";
}
