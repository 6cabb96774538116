using Automation.Engine.Activities;
using Automation.Engine.Tests.Support;

namespace Automation.Engine.Tests.Activities;

/// <summary><see cref="ActivityExecutionContext.CompleteBeforeCommit"/>: the run goes on while handed-over work (an
/// audit append) completes, the result is only returned once it has, and a failure fails the run as a whole.</summary>
public sealed class CompleteBeforeCommitTests
{
    [Fact]
    public async Task Run_GoesOnWhileTheWorkCompletes_AndReturnsOnlyAfterIt()
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Gated.Work = gate.Task;
        using var engine = new TestEngine(register: r => r.Register(typeof(Gated)));
        var definition = Flow.Sequence(Flow.Activity("audit", "Test.Gated"), Flow.WriteLine("after", "after"));

        var run = engine.RunAsync(definition).AsTask();
        await WaitUntilAsync(() => engine.Lines.Contains("after"));

        Assert.False(run.IsCompleted); // the next step ran, the result waits for the work
        gate.SetResult();
        Assert.Equal(Automation.Engine.Execution.WorkflowStatus.Finished, (await run).Status);
    }

    [Fact]
    public async Task FailedWork_FailsTheRun_SoNothingOfItIsCommitted()
    {
        Gated.Work = Task.FromException(new IOException("audit log unavailable"));
        using var engine = new TestEngine(register: r => r.Register(typeof(Gated)));
        var definition = Flow.Sequence(Flow.Activity("audit", "Test.Gated"), Flow.WriteLine("after", "after"));

        var error = await Assert.ThrowsAsync<IOException>(async () => await engine.RunAsync(definition));

        Assert.Equal("audit log unavailable", error.Message);
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        for (var i = 0; i < 500 && !condition(); i++)
        {
            await Task.Delay(10);
        }

        Assert.True(condition());
    }

    /// <summary>Hands over <see cref="Work"/> and completes at once.</summary>
    [Activity("Test", "Test", "Hands over work the commit waits for.")]
    public sealed class Gated : Activity
    {
        public static Task Work { get; set; } = Task.CompletedTask;

        public override ValueTask ExecuteAsync(ActivityExecutionContext context)
        {
            context.CompleteBeforeCommit(Work);
            context.Complete();
            return ValueTask.CompletedTask;
        }
    }
}
