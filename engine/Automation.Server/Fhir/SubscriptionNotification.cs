using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;

namespace Automation.Server.Fhir;

/// <summary>A notification as received: classic R4 rest-hook (empty ping or the resource itself) or an R5
/// Subscriptions Backport <c>history</c> bundle.</summary>
internal sealed record SubscriptionNotification(
    string Kind,
    string? Status,
    string? Topic,
    IReadOnlyList<NotificationEvent> Events,
    Resource? ClassicResource)
{
    public const string Ping = "ping";
    public const string Classic = "classic";
    public const string Handshake = "handshake";
    public const string Heartbeat = "heartbeat";
    public const string EventNotification = "event-notification";

    private static readonly FhirJsonDeserializer Deserializer = new(new DeserializerSettings().UsingMode(DeserializationMode.Recoverable));
    private static readonly FhirJsonSerializer Serializer = new();

    /// <summary>Parses a body. Returns the problem (field, message) instead when it is not a notification.</summary>
    public static (SubscriptionNotification? Notification, string? Field, string? Problem) Parse(byte[] body)
    {
        if (body.Length == 0 || body.All(b => b is (byte)' ' or (byte)'\n' or (byte)'\r' or (byte)'\t'))
        {
            return (new SubscriptionNotification(Ping, "active", null, [], null), null, null);
        }

        if (BackportBundleReader.TryRead(body) is { } backport)
        {
            return (backport, null, null);
        }

        Resource resource;
        try
        {
            var reader = new System.Text.Json.Utf8JsonReader(body);
            resource = Deserializer.DeserializeResource(ref reader);
        }
        catch (Exception exception) when (exception is DeserializationFailedException or System.Text.Json.JsonException or FormatException)
        {
            return (null, "body", "The body is not a FHIR JSON resource.");
        }

        if (resource is not Bundle bundle)
        {
            return resource.Id is null
                ? (null, "id", $"A classic notification's {resource.TypeName} must carry its id.")
                : (new SubscriptionNotification(Classic, "active", null, [], resource), null, null);
        }

        if (bundle.Type != Bundle.BundleType.History || bundle.Entry.FirstOrDefault()?.Resource is not Parameters status)
        {
            return (null, "type", "A Bundle notification must be a Subscriptions Backport 'history' bundle whose first entry is a SubscriptionStatus Parameters.");
        }

        var type = Text(status, "type");
        var events = new List<NotificationEvent>();
        foreach (var part in status.Parameter.Where(p => p.Name == "notification-event"))
        {
            var number = part.Part.FirstOrDefault(p => p.Name == "event-number")?.Value switch
            {
                FhirString s when long.TryParse(s.Value, out var n) => n,
                Integer64 i when i.Value is { } n => n,
                Integer i when i.Value is { } n => n,
                _ => (long?)null,
            };
            if (number is null)
            {
                return (null, "notification-event.event-number", "Every notification-event needs an event-number.");
            }

            var focus = (part.Part.FirstOrDefault(p => p.Name == "focus")?.Value as ResourceReference)?.Reference;
            var reference = focus is null ? null : Relative(focus);
            var included = reference is null ? null : bundle.Entry.Skip(1).Select(e => e.Resource)
                .FirstOrDefault(r => r is not null && reference == $"{r.TypeName}/{r.Id}");
            events.Add(new NotificationEvent(number.Value, reference, included is null ? null : Serializer.SerializeToString(included)));
        }

        if (type == EventNotification && events.Count == 0)
        {
            return (null, "notification-event", "An event-notification must carry at least one notification-event.");
        }

        return (new SubscriptionNotification(type ?? EventNotification, Text(status, "status"), Text(status, "topic"), events, null), null, null);
    }

    public static string Serialize(Resource resource) => Serializer.SerializeToString(resource);

    private static string? Text(Parameters parameters, string name) => parameters.Parameter.FirstOrDefault(p => p.Name == name)?.Value switch
    {
        Code c => c.Value,
        FhirString s => s.Value,
        FhirUri u => u.Value,
        Canonical c => c.Value,
        Coding c => c.Code,
        _ => null,
    };

    // "https://ehr/fhir/Appointment/1" -> "Appointment/1"
    public static string Relative(string reference)
    {
        var history = reference.IndexOf("/_history/", StringComparison.Ordinal);
        var parts = (history >= 0 ? reference[..history] : reference).TrimEnd('/').Split('/');
        return parts.Length >= 2 ? parts[^2] + "/" + parts[^1] : reference;
    }
}

/// <summary>One event of a Backport notification.</summary>
internal sealed record NotificationEvent(long Number, string? Focus, string? ResourceJson);
