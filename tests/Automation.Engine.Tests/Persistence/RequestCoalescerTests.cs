using Automation.Engine.Persistence;

namespace Automation.Engine.Tests.Persistence;

public sealed class RequestCoalescerTests
{
    [Fact]
    public async Task LoneRequest_ExecutesAtOnce_AsABatchOfOne()
    {
        var batches = new List<int[]>();
        var coalescer = new RequestCoalescer<int, int>((requests, _) =>
        {
            batches.Add([.. requests]);
            return Task.FromResult<IReadOnlyList<int>>([.. requests.Select(r => r * 2)]);
        });

        Assert.Equal(42, await coalescer.ExecuteAsync(21));
        Assert.Equal([21], Assert.Single(batches));
    }

    [Fact]
    public async Task RequestsMadeWhileABatchRuns_GoTogetherInTheNext_EachGettingItsOwnResult()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var batches = new List<int[]>();
        var coalescer = new RequestCoalescer<int, string>(async (requests, _) =>
        {
            lock (batches)
            {
                batches.Add([.. requests]);
            }

            await release.Task;
            return [.. requests.Select(r => "r" + r)];
        });

        var first = coalescer.ExecuteAsync(0);
        await UntilAsync(() => { lock (batches) { return batches.Count == 1; } });
        var waiting = Enumerable.Range(1, 10).Select(i => coalescer.ExecuteAsync(i)).ToList();
        release.SetResult();

        Assert.Equal("r0", await first);
        Assert.Equal(Enumerable.Range(1, 10).Select(i => "r" + i), await Task.WhenAll(waiting));
        Assert.Equal(2, batches.Count);
        Assert.Equal(Enumerable.Range(1, 10), batches[1]);
    }

    [Fact]
    public async Task RequestsMadeInOneBurst_WaitForEachOther_AndGoInOneBatch()
    {
        // The instances of a batch make their requests one after another on the thread pool: the drain yields its turn
        // first, so it finds them all queued. A context that runs posted work only when told makes the order exact.
        var batches = new List<int[]>();
        var coalescer = new RequestCoalescer<int, int>((requests, _) =>
        {
            batches.Add([.. requests]);
            return Task.FromResult<IReadOnlyList<int>>([.. requests.Select(r => -r)]);
        });
        var context = new ManualContext();
        List<Task<int>> burst;
        SynchronizationContext.SetSynchronizationContext(context);
        try
        {
            burst = [.. Enumerable.Range(1, 10).Select(i => coalescer.ExecuteAsync(i))];
        }
        finally
        {
            SynchronizationContext.SetSynchronizationContext(null);
        }

        Assert.Empty(batches);
        context.RunPosted();

        Assert.Equal(Enumerable.Range(1, 10).Select(i => -i), await Task.WhenAll(burst));
        Assert.Equal(Enumerable.Range(1, 10), Assert.Single(batches));
    }

    [Fact]
    public async Task QueueLongerThanMaxBatchSize_IsSplit()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var sizes = new List<int>();
        var coalescer = new RequestCoalescer<int, int>(async (requests, _) =>
        {
            lock (sizes)
            {
                sizes.Add(requests.Count);
            }

            await release.Task;
            return [.. requests];
        }, maxBatchSize: 4);

        var all = new List<Task<int>> { coalescer.ExecuteAsync(0) };
        await UntilAsync(() => { lock (sizes) { return sizes.Count == 1; } });
        all.AddRange(Enumerable.Range(1, 9).Select(i => coalescer.ExecuteAsync(i)));
        release.SetResult();

        Assert.Equal(Enumerable.Range(0, 10), await Task.WhenAll(all));
        Assert.Equal([1, 4, 4, 1], sizes);
    }

    [Fact]
    public async Task FailingBatch_IsRetriedRequestByRequest_SoOnlyTheBadRequestFails()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var coalescer = new RequestCoalescer<int, int>(async (requests, _) =>
        {
            await release.Task;
            return requests.Contains(-1) ? throw new ArgumentException("negative request") : [.. requests.Select(r => r + 1)];
        });

        var first = coalescer.ExecuteAsync(0);
        var good = coalescer.ExecuteAsync(1);
        var bad = coalescer.ExecuteAsync(-1);
        var alsoGood = coalescer.ExecuteAsync(2);
        release.SetResult();

        Assert.Equal(1, await first);
        Assert.Equal(2, await good);
        Assert.Equal(3, await alsoGood);
        Assert.Equal("negative request", (await Assert.ThrowsAsync<ArgumentException>(() => bad)).Message);
    }

    [Fact]
    public async Task WrongResultCount_FailsTheCallerWithAPreciseMessage()
    {
        var coalescer = new RequestCoalescer<int, int>((_, _) => Task.FromResult<IReadOnlyList<int>>([]));

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => coalescer.ExecuteAsync(1));

        Assert.Equal("A batch of 1 requests returned 0 results.", error.Message);
    }

    [Fact]
    public async Task CancelledCaller_StopsWaiting_WhileTheOthersInItsBatchComplete()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var coalescer = new RequestCoalescer<int, int>(async (requests, token) =>
        {
            await release.Task;
            Assert.False(token.CanBeCanceled);
            return [.. requests];
        });
        using var cancel = new CancellationTokenSource();

        var first = coalescer.ExecuteAsync(0);
        var cancelled = coalescer.ExecuteAsync(1, cancel.Token);
        var other = coalescer.ExecuteAsync(2);
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled);
        release.SetResult();
        Assert.Equal(0, await first);
        Assert.Equal(2, await other);
    }

    [Fact]
    public void MaxBatchSizeBelowOne_IsRejected()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new RequestCoalescer<int, int>((r, _) => Task.FromResult<IReadOnlyList<int>>([.. r]), 0));
        Assert.Equal("maxBatchSize", error.ParamName);
    }

    private static async Task UntilAsync(Func<bool> condition)
    {
        for (var i = 0; i < 500 && !condition(); i++)
        {
            await Task.Delay(10);
        }

        Assert.True(condition());
    }

    private sealed class ManualContext : SynchronizationContext
    {
        private readonly Queue<(SendOrPostCallback Callback, object? State)> posted = new();

        public override void Post(SendOrPostCallback d, object? state) => posted.Enqueue((d, state));

        public void RunPosted()
        {
            while (posted.TryDequeue(out var work))
            {
                work.Callback(work.State);
            }
        }
    }
}
