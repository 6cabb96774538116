namespace Automation.Engine.Persistence;

/// <summary>
/// Turns the point requests that many callers make at the same time (the instances of a batch run concurrently, each
/// reading its consent records or its recipient, each recording its message) into one batched call, so a store does one
/// statement per batch instead of one per instance. While a batch executes, new requests queue; the next batch takes
/// them all, up to <see cref="MaxBatchSize"/>. Before taking a batch the drain yields its turn on the thread pool once, so
/// callers that are runnable at that moment queue first. Nothing waits on a timer: a lone request executes after that one
/// turn, and batches grow by themselves under load (the audit log's group commit works the same way).
/// </summary>
/// <remarks>
/// A request made after another caller's request completed is in a later batch, so it sees what that one wrote. When
/// a batch fails, each of its requests is executed again on its own, so a bad request fails only its own caller. A
/// caller's cancellation stops its wait, not the batch its request is in.
/// </remarks>
/// <typeparam name="TRequest">One caller's request.</typeparam>
/// <typeparam name="TResult">Its result.</typeparam>
public sealed class RequestCoalescer<TRequest, TResult>
{
    private readonly Func<IReadOnlyList<TRequest>, CancellationToken, Task<IReadOnlyList<TResult>>> executeBatch;
    private readonly Lock gate = new();
    private List<Pending> queued = [];
    private bool draining;

    /// <summary>Creates the coalescer.</summary>
    /// <param name="executeBatch">Executes requests together and returns their results in the same order.</param>
    /// <param name="maxBatchSize">Requests per batch at most (keeps statements and parameter arrays bounded).</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxBatchSize"/> is below 1.</exception>
    public RequestCoalescer(Func<IReadOnlyList<TRequest>, CancellationToken, Task<IReadOnlyList<TResult>>> executeBatch, int maxBatchSize = 256)
    {
        ArgumentNullException.ThrowIfNull(executeBatch);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBatchSize, 1);
        this.executeBatch = executeBatch;
        MaxBatchSize = maxBatchSize;
    }

    /// <summary>Requests per batch at most.</summary>
    public int MaxBatchSize { get; }

    /// <summary>Executes a request in the next batch.</summary>
    /// <param name="request">The request.</param>
    /// <param name="cancellationToken">Stops waiting for the result.</param>
    /// <returns>The request's result; the batch's exception when this request fails on its own too.</returns>
    public Task<TResult> ExecuteAsync(TRequest request, CancellationToken cancellationToken = default)
    {
        var pending = new Pending(request);
        bool start;
        lock (gate)
        {
            queued.Add(pending);
            start = !draining;
            draining = true;
        }

        if (start)
        {
            _ = DrainAsync();
        }

        return pending.Completion.Task.WaitAsync(cancellationToken);
    }

    private async Task DrainAsync()
    {
        while (true)
        {
            // Callers that are runnable right now (the other instances of a batch) get to queue their requests first:
            // the yield puts the drain behind them on the thread pool, so a batch holds several requests, not one.
            await Task.Yield();
            List<Pending> batch;
            lock (gate)
            {
                if (queued.Count == 0)
                {
                    draining = false;
                    return;
                }

                if (queued.Count <= MaxBatchSize)
                {
                    batch = queued;
                    queued = [];
                }
                else
                {
                    batch = queued.GetRange(0, MaxBatchSize);
                    queued.RemoveRange(0, MaxBatchSize);
                }
            }

            await ExecuteAsync(batch).ConfigureAwait(false);
        }
    }

    private async Task ExecuteAsync(List<Pending> batch)
    {
        try
        {
            // Shared by all callers in the batch: none of their tokens may cancel the others' work.
            var results = await executeBatch(batch.ConvertAll(p => p.Request), CancellationToken.None).ConfigureAwait(false);
            if (results.Count != batch.Count)
            {
                throw new InvalidOperationException($"A batch of {batch.Count} requests returned {results.Count} results.");
            }

            for (var i = 0; i < batch.Count; i++)
            {
                batch[i].Completion.TrySetResult(results[i]);
            }
        }
        catch (Exception) when (batch.Count > 1)
        {
            foreach (var pending in batch)
            {
                await ExecuteAsync([pending]).ConfigureAwait(false);
            }
        }
        catch (Exception exception)
        {
            batch[0].Completion.TrySetException(exception);
        }
    }

    private sealed class Pending(TRequest request)
    {
        public TRequest Request { get; } = request;

        public TaskCompletionSource<TResult> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
