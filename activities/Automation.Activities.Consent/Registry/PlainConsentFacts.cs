using System.Collections;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Automation.Activities.Fhir.Patients;
using Automation.Engine.Expressions;

namespace Automation.Activities.Consent.Registry;

/// <summary>Reads the patient id and consent facts back from the plain patient context FetchPatient outputs (as it
/// comes out of the instance state: dictionaries and lists, or JSON).</summary>
public static class PlainConsentFacts
{
    /// <summary>Reads the id and consents of a plain patient context.</summary>
    /// <param name="patient">The context: a dictionary, a JSON element or a JSON node.</param>
    /// <param name="patientId">The patient id, when present.</param>
    /// <param name="consents">The consent facts (empty when none).</param>
    /// <returns>Whether <paramref name="patient"/> is an object with an <c>id</c>.</returns>
    public static bool TryRead(object? patient, out string patientId, out IReadOnlyList<ConsentFact> consents)
    {
        patientId = "";
        consents = [];
        var plain = patient switch
        {
            JsonElement element => PlainJson.FromElement(element),
            JsonNode node => PlainJson.FromNode(node),
            _ => patient,
        };
        if (plain is not IDictionary<string, object?> map || Text(map, "id") is not { Length: > 0 } id)
        {
            return false;
        }

        patientId = id;
        var facts = new List<ConsentFact>();
        if (map.TryGetValue("consents", out var list) && list is IEnumerable items and not string)
        {
            foreach (var item in items)
            {
                if (item is IDictionary<string, object?> c && Text(c, "id") is { } consentId)
                {
                    facts.Add(new ConsentFact(consentId, Text(c, "status") ?? "unknown", Text(c, "decision"), Texts(c, "purposes"), Texts(c, "channels"),
                        Instant(c, "start"), Instant(c, "end"), Text(c, "versionId"), Instant(c, "dateTime")));
                }
            }
        }

        consents = facts;
        return true;
    }

    private static string? Text(IDictionary<string, object?> map, string key) =>
        map.TryGetValue(key, out var value) ? value as string ?? (value is null ? null : Convert.ToString(value, CultureInfo.InvariantCulture)) : null;

    private static List<string> Texts(IDictionary<string, object?> map, string key) =>
        map.TryGetValue(key, out var value) && value is IEnumerable items and not string
            ? items.OfType<object>().Select(i => Convert.ToString(i, CultureInfo.InvariantCulture)!).ToList()
            : [];

    private static DateTimeOffset? Instant(IDictionary<string, object?> map, string key) =>
        Text(map, key) is { } text && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at) ? at.ToUniversalTime() : null;
}
