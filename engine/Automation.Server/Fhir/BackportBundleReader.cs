using System.Text.Json;

namespace Automation.Server.Fhir;

/// <summary>
/// Reads a well-formed Subscriptions Backport <c>history</c> bundle with System.Text.Json instead of the Firely
/// model: the intake's hot path, about a tenth of the work (no resource model built, the included focus resources kept
/// as their JSON text). Anything it does not recognise returns <c>null</c> and goes through the Firely parser, which
/// produces the precise problem for bad input.
/// </summary>
internal static class BackportBundleReader
{
    public static SubscriptionNotification? TryRead(byte[] body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || Text(root, "resourceType") != "Bundle" || Text(root, "type") != "history"
                || !root.TryGetProperty("entry", out var entries) || entries.ValueKind != JsonValueKind.Array || entries.GetArrayLength() == 0
                || !entries[0].TryGetProperty("resource", out var status) || Text(status, "resourceType") != "Parameters"
                || !status.TryGetProperty("parameter", out var parameters) || parameters.ValueKind != JsonValueKind.Array)
            {
                return null;
            }

            string? type = null, state = null, topic = null;
            var events = new List<NotificationEvent>();
            foreach (var parameter in parameters.EnumerateArray())
            {
                switch (Text(parameter, "name"))
                {
                    case "type":
                        type = Text(parameter, "valueCode");
                        break;
                    case "status":
                        state = Text(parameter, "valueCode");
                        break;
                    case "topic":
                        topic = Text(parameter, "valueCanonical") ?? Text(parameter, "valueUri");
                        break;
                    case "notification-event":
                        if (ReadEvent(parameter, entries) is not { } @event)
                        {
                            return null; // let the full parser name the problem
                        }

                        events.Add(@event);
                        break;
                }
            }

            if (type is null || (type == SubscriptionNotification.EventNotification && events.Count == 0))
            {
                return null;
            }

            return new SubscriptionNotification(type, state, topic, events, null);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static NotificationEvent? ReadEvent(JsonElement parameter, JsonElement entries)
    {
        if (!parameter.TryGetProperty("part", out var parts) || parts.ValueKind != JsonValueKind.Array)
        {
            return null;
        }

        long? number = null;
        string? focus = null;
        foreach (var part in parts.EnumerateArray())
        {
            switch (Text(part, "name"))
            {
                case "event-number":
                    number = Text(part, "valueString") is { } s && long.TryParse(s, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n) ? n
                        : part.TryGetProperty("valueInteger64", out var i64) && i64.TryGetInt64(out var l) ? l
                        : part.TryGetProperty("valueInteger", out var i32) && i32.TryGetInt64(out var m) ? m
                        : null;
                    break;
                case "focus":
                    focus = part.TryGetProperty("valueReference", out var reference) ? Text(reference, "reference") : null;
                    break;
            }
        }

        if (number is null)
        {
            return null;
        }

        string? included = null;
        var relative = focus is null ? null : SubscriptionNotification.Relative(focus);
        if (relative is not null)
        {
            for (var i = 1; i < entries.GetArrayLength() && included is null; i++)
            {
                if (entries[i].TryGetProperty("resource", out var resource) && Text(resource, "resourceType") is { } resourceType && Text(resource, "id") is { } id
                    && relative == $"{resourceType}/{id}")
                {
                    included = resource.GetRawText();
                }
            }
        }

        return new NotificationEvent(number.Value, relative, included);
    }

    private static string? Text(JsonElement element, string property) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
