using Automation.Engine.Activities;

namespace Automation.Activities.SecureSend.Tracking;

/// <summary>
/// Waits until the recipient of a tracked message opens it or clicks one of its links, or until a timeout. It creates
/// bookmarks keyed by the message id (one per awaited kind) plus a timer bookmark, so nothing polls: a human open or
/// click resumes it through the bookmark index, the timer through the scheduler. Automated opens (privacy proxies,
/// mail scanners) never resume it. With <c>open</c>, a click also counts (a click implies an open with images
/// blocked) and the outcome is <c>Opened</c>; with <c>any</c> the outcome says which came; with <c>click</c> only a
/// click resumes it.
/// </summary>
[Activity("Healthcare", "Healthcare", "Waits until the recipient opens a message or clicks a link in it, or a timeout passes.", DisplayName = "Wait For Engagement")]
[FlowNode("Opened", "Clicked", "TimedOut")]
public sealed class WaitForEngagement : Activity
{
    /// <summary>The activity's type name: bookmarks and stimuli are hashed with it.</summary>
    public const string TypeName = "Healthcare.WaitForEngagement";

    /// <summary>The message id secure send used (its idempotency key).</summary>
    [Input(Description = "The id of the message to watch (the secure send's message id).", Required = true)]
    public Input<string> MessageId { get; set; } = new();

    /// <summary>What to wait for: open, click or any.</summary>
    [Input(Description = "open (an open or a click), click (a click only) or any (whichever comes first).", Options = ["any", "open", "click"], DefaultValue = "any")]
    public Input<string> WaitFor { get; set; } = new();

    /// <summary>How long to wait.</summary>
    [Input(Description = "How long to wait before TimedOut (d.hh:mm:ss or ISO 8601 such as P3D); zero or less times out at once.", DefaultValue = "3.00:00:00")]
    public Input<TimeSpan> Timeout { get; set; } = new();

    /// <summary>The engagement that resumed it: <c>{type, at}</c>.</summary>
    [Output(Description = "The engagement that resumed the wait: {type, at}.")]
    public Output<object> Engagement { get; set; } = new();

    /// <inheritdoc />
    public override ValueTask ExecuteAsync(ActivityExecutionContext context)
    {
        var messageId = context.Get(MessageId);
        var waitFor = context.Get(WaitFor) is { Length: > 0 } w ? w : "any";
        var timeout = context.Get(Timeout);
        if (string.IsNullOrWhiteSpace(messageId))
        {
            context.Fault("Wait For Engagement needs a Message Id.");
            return ValueTask.CompletedTask;
        }

        if (waitFor is not ("any" or "open" or "click"))
        {
            context.Fault("Wait For Engagement: Wait For must be 'open', 'click' or 'any'.");
            return ValueTask.CompletedTask;
        }

        if (timeout <= TimeSpan.Zero)
        {
            // No time left to wait (e.g. a deadline computed from an appointment that is already close): time out now.
            context.Complete("TimedOut");
            return ValueTask.CompletedTask;
        }

        context.CreateBookmark(new EngagementPayload(messageId, EngagementTypes.Click));
        if (waitFor != "click")
        {
            context.CreateBookmark(new EngagementPayload(messageId, EngagementTypes.Open));
        }

        context.CreateBookmark(new EngagementPayload(messageId, "timeout"), resumeAt: context.TimeProvider.GetUtcNow() + timeout);
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public override ValueTask ResumeAsync(ActivityExecutionContext context)
    {
        // Whichever bookmark fired first, the others must not resume this activity again.
        context.RemoveBookmarks();
        if (context.ResumedBookmark?.ResumeAt is not null)
        {
            context.Complete("TimedOut");
            return ValueTask.CompletedTask;
        }

        var type = context.ResumeInput is IReadOnlyDictionary<string, object?> input && input.TryGetValue("type", out var t) ? t as string : null;
        context.Set(Engagement, context.ResumeInput);
        var waitFor = context.Get(WaitFor) is { Length: > 0 } w ? w : "any";
        context.Complete(waitFor == "open" ? "Opened" : type == EngagementTypes.Click ? "Clicked" : "Opened");
        return ValueTask.CompletedTask;
    }
}
