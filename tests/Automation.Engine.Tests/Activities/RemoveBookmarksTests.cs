using Automation.Engine.Activities;
using Automation.Engine.Execution;
using Automation.Engine.Tests.Support;

namespace Automation.Engine.Tests.Activities;

/// <summary><see cref="ActivityExecutionContext.RemoveBookmarks"/>: a wait with an event bookmark and a timeout timer
/// drops the other one when either resumes it.</summary>
public sealed class RemoveBookmarksTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Resume_EitherBookmark_DropsTheOtherAndFinishes(bool byTimer)
    {
        using var engine = new TestEngine(register: r => r.Register(typeof(WaitWithTimeout)));
        var definition = Flow.Sequence(Flow.Activity("wait", "Test.WaitWithTimeout"), Flow.WriteLine("after", "after"));
        var first = await engine.RunAsync(definition);
        Assert.Equal(2, first.State.Bookmarks.Count);

        var bookmark = first.State.Bookmarks.Single(b => (b.ResumeAt is not null) == byTimer);
        var resumed = await engine.Invoker.ResumeAsync(definition, first.State, bookmark, null);

        Assert.Equal(WorkflowStatus.Finished, resumed.Status);
        Assert.Empty(resumed.State.Bookmarks);
        Assert.Equal(["dropped 1", "after"], engine.Lines);
    }

    /// <summary>Waits for an event or a timer.</summary>
    [Activity("Test", "Test", "Waits for an event or a timeout.")]
    public sealed class WaitWithTimeout : Activity
    {
        public override ValueTask ExecuteAsync(ActivityExecutionContext context)
        {
            context.CreateBookmark("event");
            context.CreateBookmark("timeout", resumeAt: context.TimeProvider.GetUtcNow().AddHours(1));
            return ValueTask.CompletedTask;
        }

        public override ValueTask ResumeAsync(ActivityExecutionContext context)
        {
            context.WriteLine("dropped " + context.RemoveBookmarks());
            context.Complete();
            return ValueTask.CompletedTask;
        }
    }
}
