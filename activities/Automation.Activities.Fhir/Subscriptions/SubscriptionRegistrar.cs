using Automation.Activities.Fhir.Sources;
using Hl7.Fhir.Model;
using Hl7.Fhir.Rest;

namespace Automation.Activities.Fhir.Subscriptions;

/// <summary>Creates a rest-hook Subscription on a FHIR server (classic R4, or the R5 Subscriptions Backport profile)
/// whose channel header carries our secret.</summary>
public static class SubscriptionRegistrar
{
    private const string Backport = "http://hl7.org/fhir/uv/subscriptions-backport/StructureDefinition/";

    /// <summary>Creates the Subscription.</summary>
    /// <param name="server">The FHIR server's base URL.</param>
    /// <param name="request">What to subscribe to.</param>
    /// <param name="handler">The transport; defaults to a new <see cref="SocketsHttpHandler"/>.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The created Subscription as the server returned it.</returns>
    /// <exception cref="FhirSourceException">The server refused it.</exception>
    public static async Task<Subscription> CreateAsync(Uri server, SubscriptionRequest request, HttpMessageHandler? handler = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(server);
        ArgumentNullException.ThrowIfNull(request);
        using var http = new HttpClient(handler ?? new SocketsHttpHandler(), disposeHandler: handler is null);
        var client = new FhirClient(server, http, new FhirClientSettings { PreferredFormat = ResourceFormat.Json, VerifyFhirVersion = false });
        try
        {
            return await client.CreateAsync(Build(request), cancellationToken).ConfigureAwait(false)
                ?? throw new FhirSourceException("The FHIR server accepted the Subscription but returned nothing.");
        }
        catch (FhirOperationException exception)
        {
            throw new FhirSourceException($"Creating the Subscription failed with HTTP {(int)exception.Status}.", (int)exception.Status, exception);
        }
    }

    /// <summary>Builds the Subscription resource.</summary>
    /// <param name="request">What to subscribe to.</param>
    /// <returns>The resource.</returns>
    public static Subscription Build(SubscriptionRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var subscription = new Subscription
        {
            Status = Subscription.SubscriptionStatus.Requested,
            Reason = "Automation patient-engagement journeys",
            Criteria = request.BackportTopic ?? request.Criteria,
            Channel = new Subscription.ChannelComponent
            {
                Type = Subscription.SubscriptionChannelType.RestHook,
                Endpoint = request.Endpoint.ToString(),
                Payload = "application/fhir+json",
                Header = ["Authorization: Bearer " + request.Secret],
            },
        };
        if (request.BackportTopic is not null)
        {
            subscription.Meta = new Meta { Profile = [Backport + "backport-subscription"] };
            subscription.CriteriaElement!.Extension.Add(new Extension(Backport + "backport-filter-criteria", new FhirString(request.Criteria)));
            subscription.Channel.PayloadElement!.Extension.Add(new Extension(Backport + "backport-payload-content", new Code(request.Payload)));
        }

        return subscription;
    }
}
