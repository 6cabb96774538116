using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Automation.Engine.Outbox;

/// <summary>
/// Delivers committed outbox messages: claims a batch with a lease, hands each topic's items to its handler, and
/// records the results. Runs until cancelled (the server hosts it; the campaign benchmark runs it directly). If the
/// process dies mid-delivery, the lease lapses and another pass delivers again with the same id, which is the
/// at-least-once window: an effect that happened but was not recorded is repeated, once.
/// </summary>
public sealed partial class OutboxRelay
{
    private readonly IOutboxStore store;
    private readonly Dictionary<string, IOutboxHandler> handlers;
    private readonly OutboxSignal signal;
    private readonly TimeProvider timeProvider;
    private readonly OutboxRelayOptions options;
    private readonly ILogger logger;

    /// <summary>Creates the relay.</summary>
    /// <param name="store">The outbox store.</param>
    /// <param name="handlers">One handler per topic.</param>
    /// <param name="signal">Woken by commits that queued messages.</param>
    /// <param name="timeProvider">The clock (lease and retry times).</param>
    /// <param name="options">Batch size, lease, poll interval, parallelism.</param>
    /// <param name="logger">Logs ids and counts only.</param>
    /// <exception cref="ArgumentException">Two handlers claim one topic.</exception>
    public OutboxRelay(IOutboxStore store, IEnumerable<IOutboxHandler> handlers, OutboxSignal signal, TimeProvider timeProvider, OutboxRelayOptions? options = null, ILogger<OutboxRelay>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(handlers);
        this.store = store;
        this.handlers = new Dictionary<string, IOutboxHandler>(StringComparer.Ordinal);
        foreach (var handler in handlers)
        {
            if (!this.handlers.TryAdd(handler.Topic, handler))
            {
                throw new ArgumentException($"Two outbox handlers claim the topic '{handler.Topic}'.", nameof(handlers));
            }
        }

        this.signal = signal;
        this.timeProvider = timeProvider;
        this.options = options ?? new OutboxRelayOptions();
        this.logger = logger ?? NullLogger<OutboxRelay>.Instance;
    }

    /// <summary>Delivers until cancelled.</summary>
    /// <param name="cancellationToken">Stops the loop.</param>
    /// <returns>A task that ends when cancelled.</returns>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            int delivered;
            try
            {
                delivered = await DeliverPendingAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception exception)
            {
                LogPassFailed(exception);
                delivered = 0;
            }

            if (delivered == 0)
            {
                try
                {
                    await signal.WaitAsync(options.PollInterval, cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    /// <summary>Delivers what is due now, pass after pass, until nothing is left; returns how many items were handled.</summary>
    /// <param name="cancellationToken">Stops between passes.</param>
    /// <returns>Items handled (done, retried or dead).</returns>
    public async Task<int> DeliverPendingAsync(CancellationToken cancellationToken)
    {
        var total = 0;
        while (!cancellationToken.IsCancellationRequested)
        {
            var handled = await DeliverOnceAsync(cancellationToken).ConfigureAwait(false);
            if (handled == 0)
            {
                break;
            }

            total += handled;
        }

        return total;
    }

    /// <summary>Claims one batch and delivers it.</summary>
    /// <param name="cancellationToken">Cancels the pass.</param>
    /// <returns>Items handled.</returns>
    public async Task<int> DeliverOnceAsync(CancellationToken cancellationToken)
    {
        var now = timeProvider.GetUtcNow();
        var items = await store.ClaimAsync(options.BatchSize, now, now + options.Lease, cancellationToken).ConfigureAwait(false);
        if (items.Count == 0)
        {
            return 0;
        }

        var results = new (string Id, OutboxResult Result)[items.Count];
        var byTopic = items.Select((item, index) => (item, index)).GroupBy(x => x.item.Topic, StringComparer.Ordinal);
        var chunks = new List<(IOutboxHandler? Handler, List<(OutboxItem Item, int Index)> Items)>();
        foreach (var group in byTopic)
        {
            var handler = handlers.GetValueOrDefault(group.Key);
            var list = group.ToList();
            var size = Math.Max(1, (list.Count + options.Parallelism - 1) / options.Parallelism);
            chunks.AddRange(list.Chunk(size).Select(chunk => (handler, chunk.ToList())));
        }

        await Parallel.ForEachAsync(chunks, new ParallelOptions { MaxDegreeOfParallelism = options.Parallelism, CancellationToken = cancellationToken }, async (chunk, token) =>
        {
            if (chunk.Handler is null)
            {
                foreach (var (item, index) in chunk.Items)
                {
                    results[index] = (item.Id, OutboxResult.RetryAt(timeProvider.GetUtcNow() + options.Lease, $"no handler for topic '{item.Topic}'"));
                }

                return;
            }

            IReadOnlyList<OutboxResult> handled;
            try
            {
                handled = await chunk.Handler.HandleAsync(chunk.Items.ConvertAll(x => x.Item), token).ConfigureAwait(false);
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                LogHandlerFailed(exception, chunk.Handler.Topic, chunk.Items.Count);
                var retryAt = timeProvider.GetUtcNow() + options.RetryDelay(chunk.Items[0].Item.Attempt);
                handled = chunk.Items.ConvertAll(_ => OutboxResult.RetryAt(retryAt, "handler failed: " + exception.GetType().Name));
            }

            if (handled.Count != chunk.Items.Count)
            {
                throw new InvalidOperationException($"The outbox handler for '{chunk.Handler.Topic}' returned {handled.Count} results for {chunk.Items.Count} items.");
            }

            for (var i = 0; i < handled.Count; i++)
            {
                var (item, index) = chunk.Items[i];
                results[index] = (item.Id, GiveUpAfterMaxAttempts(item, handled[i]));
            }
        }).ConfigureAwait(false);

        await store.CompleteAsync(results, timeProvider.GetUtcNow(), CancellationToken.None).ConfigureAwait(false);
        return items.Count;
    }

    private OutboxResult GiveUpAfterMaxAttempts(OutboxItem item, OutboxResult result) =>
        result is OutboxResult.RetryResult retry && item.Attempt >= options.MaxAttempts
            ? OutboxResult.Dead($"gave up after {item.Attempt} attempts: {retry.Reason}")
            : result;

    [LoggerMessage(Level = LogLevel.Error, Message = "An outbox pass failed; it will be retried")]
    private partial void LogPassFailed(Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Outbox handler {Topic} failed for {Count} items; they will be retried")]
    private partial void LogHandlerFailed(Exception exception, string topic, int count);
}
