namespace Automation.Activities.SecureSend.Tracking;

/// <summary>Whether an engagement came from a person, and if not, why not.</summary>
/// <param name="Automated">Whether a machine caused it.</param>
/// <param name="Reason">The rule that matched (see <see cref="EngagementClassifier"/>); <c>null</c> for people.</param>
public sealed record EngagementClassification(bool Automated, string? Reason)
{
    /// <summary>A person.</summary>
    public static EngagementClassification Human { get; } = new(false, null);
}
