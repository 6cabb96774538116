using Automation.Activities.Fhir.Tests.Support;
using Automation.Cli;
using Hl7.Fhir.Model;

namespace Automation.Activities.Fhir.Tests.Activities;

public sealed class FhirSubscribeCliTests : IAsyncLifetime
{
    private FhirTestServer server = null!;

    public async Task InitializeAsync() => server = await FhirTestServer.StartAsync([]);

    public async Task DisposeAsync() => await server.DisposeAsync();

    private static async Task<(int Exit, string Out, string Err)> RunAsync(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var exit = await CliApplication.RunAsync(args, output, error);
        return (exit, output.ToString(), error.ToString());
    }

    [Fact]
    public async Task Subscribe_Backport_CreatesProfiledSubscriptionWithGeneratedSecretInTheHeader()
    {
        var (exit, output, error) = await RunAsync("fhir", "subscribe", "--server", server.BaseUrl.ToString(), "--name", "ehr",
            "--criteria", "Appointment?status=booked", "--endpoint", "https://automation.hospital.test",
            "--backport-topic", "http://example.org/SubscriptionTopic/appointment", "--payload", "full-resource");

        Assert.True(exit == 0, error);
        var subscription = Assert.IsType<Subscription>(Assert.Single(server.Created));
        var secret = output.Split('\n').Single(l => l.StartsWith("secret: ", StringComparison.Ordinal))["secret: ".Length..].Split(' ')[0];
        Assert.Equal(64, secret.Length);
        Assert.Equal(["Authorization: Bearer " + secret], subscription.Channel!.Header);
        Assert.Equal("https://automation.hospital.test/fhir/subscriptions/ehr", subscription.Channel.Endpoint);
        Assert.Equal("http://example.org/SubscriptionTopic/appointment", subscription.Criteria);
        Assert.Contains(subscription.Meta!.Profile, p => p != null && p.EndsWith("backport-subscription", StringComparison.Ordinal));
        Assert.Equal("Appointment?status=booked", ((FhirString)subscription.CriteriaElement!.Extension.Single().Value!).Value);
        Assert.Equal("full-resource", ((Code)subscription.Channel!.PayloadElement!.Extension.Single().Value!).Value);
        Assert.Contains("subscription: Subscription/subscription-1", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Subscribe_Classic_UsesTheGivenSecretAndCriteria()
    {
        var (exit, output, _) = await RunAsync("fhir", "subscribe", "--server", server.BaseUrl.ToString(), "--name", "clinic",
            "--criteria", "Appointment?status=booked", "--endpoint", "https://automation.hospital.test/fhir/subscriptions/clinic", "--secret", "given-secret");

        Assert.Equal(0, exit);
        var subscription = Assert.IsType<Subscription>(Assert.Single(server.Created));
        Assert.Equal("Appointment?status=booked", subscription.Criteria);
        Assert.Equal(["Authorization: Bearer given-secret"], subscription.Channel!.Header);
        Assert.Null(subscription.Meta);
        Assert.DoesNotContain("secret:", output, StringComparison.Ordinal);
    }
}
