using System.Text.Json;
using Automation.Activities.Segments.Facts;

namespace Automation.Activities.Segments.Population;

/// <summary>Reads Patient.ndjson into one <see cref="PatientFacts"/> per line (demographics only).</summary>
internal static class PatientFileReader
{
    public static (PatientFacts[] Patients, Dictionary<string, int> ById) Read(string path, CancellationToken cancellationToken)
    {
        var patients = new List<PatientFacts>(EstimateLines(path));
        var byId = new Dictionary<string, int>(patients.Capacity, StringComparer.Ordinal);
        var values = new Utf8Values();
        NdjsonLines.Read(path, line =>
        {
            using var document = JsonDocument.Parse(line);
            var root = document.RootElement;
            if (!root.TryGetProperty("id", out var idElement) || idElement.GetString() is not { Length: > 0 } id || byId.ContainsKey(id))
            {
                return;
            }

            var facts = new PatientFacts { Id = id };
            if (root.TryGetProperty("gender", out var gender))
            {
                facts.Gender = FactCodes.Gender(values.Intern(gender));
            }

            if (root.TryGetProperty("birthDate", out var birth))
            {
                facts.BirthDay = Utf8Values.Day(birth) ?? PatientFacts.Unknown;
            }

            if (root.TryGetProperty("address", out var addresses) && addresses.ValueKind == JsonValueKind.Array && addresses.GetArrayLength() > 0)
            {
                var address = addresses[0];
                if (address.TryGetProperty("state", out var state))
                {
                    facts.State = values.Intern(state)?.ToUpperInvariant() is { } upper ? string.Intern(upper) : null;
                }

                if (address.TryGetProperty("postalCode", out var zip))
                {
                    facts.Zip = Utf8Values.Zip(zip);
                }
            }

            facts.Language = Language(root, values);
            byId[id] = patients.Count;
            patients.Add(facts);
        }, cancellationToken);
        return ([.. patients], byId);
    }

    // The preferred communication language, else the first (as the patient context does).
    private static string? Language(JsonElement root, Utf8Values values)
    {
        if (!root.TryGetProperty("communication", out var communications) || communications.ValueKind != JsonValueKind.Array)
        {
            return null;
        }

        string? first = null;
        foreach (var communication in communications.EnumerateArray())
        {
            if (!communication.TryGetProperty("language", out var language) || !language.TryGetProperty("coding", out var codings) || codings.ValueKind != JsonValueKind.Array || codings.GetArrayLength() == 0
                || !codings[0].TryGetProperty("code", out var code))
            {
                continue;
            }

            var value = values.Intern(code);
            if (value is not null && value.Any(char.IsUpper))
            {
                value = string.Intern(value.ToLowerInvariant()); // as the patient context's facts: BCP-47 compared in lower case
            }

            if (communication.TryGetProperty("preferred", out var preferred) && preferred.ValueKind == JsonValueKind.True)
            {
                return value;
            }

            first ??= value;
        }

        return first;
    }

    private static int EstimateLines(string path) => (int)Math.Clamp(new FileInfo(path).Length / 450, 16, 50_000_000);
}
