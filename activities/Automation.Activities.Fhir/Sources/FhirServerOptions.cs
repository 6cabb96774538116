namespace Automation.Activities.Fhir.Sources;

/// <summary>A remote FHIR R4 server, bound from <c>Fhir:Server</c>.</summary>
public sealed class FhirServerOptions
{
    /// <summary>The base URL, e.g. <c>https://ehr.example.org/fhir</c>.</summary>
    public required Uri BaseUrl { get; init; }

    /// <summary>A static bearer token, when the server wants one (from configuration, never committed).</summary>
    public string? BearerToken { get; init; }

    /// <summary>SMART Backend Services credentials; when set they replace <see cref="BearerToken"/>.</summary>
    public SmartBackendOptions? Smart { get; init; }

    /// <summary>Per-request timeout. Default 30 seconds.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Retries of 429, 5xx, timeouts and connection failures. Default 3.</summary>
    public int MaxRetries { get; init; } = 3;

    /// <summary>First retry delay (doubled each time, jittered) when the server gives no Retry-After. Default 200 ms.</summary>
    public TimeSpan RetryDelay { get; init; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Failure ratio over <see cref="BreakerSamplingDuration"/> that opens the circuit. Default 0.5.</summary>
    public double BreakerFailureRatio { get; init; } = 0.5;

    /// <summary>Window the failure ratio is measured over. Default 30 seconds.</summary>
    public TimeSpan BreakerSamplingDuration { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How long the circuit stays open. Default 15 seconds.</summary>
    public TimeSpan BreakerDuration { get; init; } = TimeSpan.FromSeconds(15);
}
