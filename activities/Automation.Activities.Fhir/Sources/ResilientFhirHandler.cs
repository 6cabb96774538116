using System.Net;
using System.Net.Http.Headers;
using Polly;
using Polly.CircuitBreaker;
using Polly.Retry;
using Polly.Timeout;

namespace Automation.Activities.Fhir.Sources;

/// <summary>
/// Every request to the FHIR server goes through here: the bearer token, a per-attempt timeout, retries of 429, 5xx,
/// timeouts and connection failures (honouring <c>Retry-After</c>), and a circuit breaker that stops hammering a dead
/// server.
/// </summary>
internal sealed class ResilientFhirHandler : DelegatingHandler
{
    private readonly ResiliencePipeline<HttpResponseMessage> pipeline;
    private readonly string? bearerToken;
    private readonly SmartBackendTokenProvider? smart;

    public ResilientFhirHandler(FhirServerOptions options, TimeProvider timeProvider, HttpMessageHandler inner)
        : base(inner)
    {
        bearerToken = options.BearerToken;
        smart = options.Smart is null ? null : new SmartBackendTokenProvider(options.Smart, timeProvider, inner);
        var transient = new PredicateBuilder<HttpResponseMessage>()
            .Handle<HttpRequestException>()
            .Handle<TimeoutRejectedException>()
            .HandleResult(r => r.StatusCode == HttpStatusCode.TooManyRequests || (int)r.StatusCode >= 500);
        pipeline = new ResiliencePipelineBuilder<HttpResponseMessage> { TimeProvider = timeProvider }
            .AddRetry(new RetryStrategyOptions<HttpResponseMessage>
            {
                ShouldHandle = transient,
                MaxRetryAttempts = options.MaxRetries,
                Delay = options.RetryDelay,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                DelayGenerator = args => ValueTask.FromResult(RetryAfter(args.Outcome.Result)),
            })
            .AddCircuitBreaker(new CircuitBreakerStrategyOptions<HttpResponseMessage>
            {
                ShouldHandle = transient,
                FailureRatio = options.BreakerFailureRatio,
                SamplingDuration = options.BreakerSamplingDuration,
                MinimumThroughput = 5,
                BreakDuration = options.BreakerDuration,
            })
            .AddTimeout(options.Timeout)
            .Build();
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var token = smart is not null ? await smart.GetTokenAsync(cancellationToken).ConfigureAwait(false) : bearerToken;
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        try
        {
            return await pipeline.ExecuteAsync(
                async token => await base.SendAsync(await CloneAsync(request, token).ConfigureAwait(false), token).ConfigureAwait(false),
                cancellationToken).ConfigureAwait(false);
        }
        catch (BrokenCircuitException exception)
        {
            throw new FhirSourceException("The FHIR server is failing; requests are paused for a while (circuit open).", innerException: exception);
        }
    }

    /// <summary>The SMART token provider, when SMART Backend Services is configured.</summary>
    public SmartBackendTokenProvider? Smart => smart;

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            smart?.Dispose();
        }

        base.Dispose(disposing);
    }

    // Retry-After in seconds or as a date wins over the exponential backoff.
    private static TimeSpan? RetryAfter(HttpResponseMessage? response)
    {
        var header = response?.Headers.RetryAfter;
        if (header?.Delta is { } delta)
        {
            return delta;
        }

        return header?.Date is { } date ? date - DateTimeOffset.UtcNow : null;
    }

    // A request message can be sent once; retries need a copy.
    private static async Task<HttpRequestMessage> CloneAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var copy = new HttpRequestMessage(request.Method, request.RequestUri) { Version = request.Version };
        foreach (var header in request.Headers)
        {
            copy.Headers.TryAddWithoutValidation(header.Key, header.Value);
        }

        if (request.Content is not null)
        {
            var body = await request.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
            copy.Content = new ByteArrayContent(body);
            foreach (var header in request.Content.Headers)
            {
                copy.Content.Headers.TryAddWithoutValidation(header.Key, header.Value);
            }
        }

        return copy;
    }
}
