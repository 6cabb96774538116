using Automation.Activities.Fhir.Sources;
using Automation.Activities.Fhir.Tests.Support;
using Hl7.Fhir.Model;

namespace Automation.Activities.Fhir.Tests.Sources;

public sealed class FhirServerPatientDataSourceTests : IAsyncLifetime
{
    private FhirTestServer server = null!;

    public async Task InitializeAsync() => server = await FhirTestServer.StartAsync(TestPatients.All(), pageSize: 4);

    public async Task DisposeAsync() => await server.DisposeAsync();

    private FhirServerPatientDataSource Source(string? token = null, int retries = 3) => new(new FhirServerOptions
    {
        BaseUrl = server.BaseUrl,
        BearerToken = token,
        MaxRetries = retries,
        RetryDelay = TimeSpan.FromMilliseconds(10),
        BreakerDuration = TimeSpan.FromSeconds(30),
    });

    [Fact]
    public async Task GetPatientContextAsync_OverHttp_FollowsPagesAndMatchesTheNdjsonView()
    {
        using var source = Source(token: "s3cret");
        server.RequiredToken = "s3cret";

        var patient = await source.GetPatientContextAsync("Patient/p1");

        Assert.NotNull(patient);
        Assert.Equal("Lopez", patient.LastName);
        Assert.Equal(2, patient.Appointments.Count);
        Assert.Equal(8.4m, patient.LatestLabs["4548-4"].Value);
        Assert.Equal("medicare", Assert.Single(patient.Coverages).Kind);
        // 1 patient + 11 related resources at 4 per page: one search and its two next pages, nothing per type.
        Assert.Equal(3, server.Requests);
    }

    [Fact]
    public async Task ReadAsync_MissingResource_IsNull()
    {
        using var source = Source();

        Assert.Null(await source.ReadAsync("Appointment", "nope"));
        Assert.IsType<Appointment>(await source.ReadAsync("Appointment", "a1"));
    }

    [Fact]
    public async Task TransientFailures_AreRetriedHonouringRetryAfter()
    {
        using var source = Source();
        server.Failures.Enqueue((503, null));
        server.Failures.Enqueue((429, 1));

        var started = DateTime.UtcNow;
        var patient = await source.GetPatientContextAsync("p2");

        Assert.Equal("Ben", patient!.FirstName);
        Assert.True(DateTime.UtcNow - started >= TimeSpan.FromSeconds(0.9), "Retry-After: 1 was not honoured");
        Assert.Equal(3, server.Requests);
    }

    [Fact]
    public async Task DeadServer_OpensTheCircuitSoLaterCallsFailFast()
    {
        using var source = Source(retries: 2);
        server.Dead = true;

        await Assert.ThrowsAsync<FhirSourceException>(() => source.GetPatientContextAsync("p1"));
        await Assert.ThrowsAsync<FhirSourceException>(() => source.GetPatientContextAsync("p1"));
        var before = server.Requests;
        var failure = await Assert.ThrowsAsync<FhirSourceException>(() => source.GetPatientContextAsync("p1"));

        Assert.Contains("circuit open", failure.Message, StringComparison.Ordinal);
        Assert.Equal(before, server.Requests);
    }

    [Fact]
    public async Task SmartBackendServices_SignedAssertionGetsATokenThatIsCachedUntilExpiry()
    {
        using var key = System.Security.Cryptography.RSA.Create(2048);
        server.SmartClientKey = key;
        using var source = new FhirServerPatientDataSource(new FhirServerOptions
        {
            BaseUrl = server.BaseUrl,
            Smart = new SmartBackendOptions { TokenEndpoint = server.TokenEndpoint, ClientId = "automation-client", PrivateKeyPem = key.ExportPkcs8PrivateKeyPem(), KeyId = "k1" },
        });

        Assert.Equal("Ana", (await source.GetPatientContextAsync("p1"))!.FirstName);
        Assert.Equal("Ben", (await source.GetPatientContextAsync("p2"))!.FirstName);

        Assert.Equal(1, server.TokensIssued);
    }

    [Fact]
    public async Task SmartBackendServices_WrongKey_FailsClearly()
    {
        using var registered = System.Security.Cryptography.RSA.Create(2048);
        using var other = System.Security.Cryptography.RSA.Create(2048);
        server.SmartClientKey = registered;
        using var source = new FhirServerPatientDataSource(new FhirServerOptions
        {
            BaseUrl = server.BaseUrl,
            Smart = new SmartBackendOptions { TokenEndpoint = server.TokenEndpoint, ClientId = "automation-client", PrivateKeyPem = other.ExportPkcs8PrivateKeyPem() },
        });

        var exception = await Assert.ThrowsAsync<FhirSourceException>(() => source.GetPatientContextAsync("p1"));

        Assert.Equal(401, exception.StatusCode);
    }
}
