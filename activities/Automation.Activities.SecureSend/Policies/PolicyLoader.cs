using System.Collections.Concurrent;
using System.Text.Json;

namespace Automation.Activities.SecureSend.Policies;

/// <summary>
/// Reads and validates send policies. Format:
/// <c>{ "name": "default", "tlsExclusive": false, "rules": [ { "sensitivity": "phi", "purposes": ["treatment"], "methods": ["smime", "pgp", "portal"] } ] }</c>.
/// Every problem is reported with its JSON path. Policies found in the directory are cached by name.
/// </summary>
public sealed class PolicyLoader
{
    private readonly string? directory;
    private readonly ConcurrentDictionary<string, SecureSendPolicy> cache = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Creates a loader over a policy directory.</summary>
    /// <param name="directory">The folder holding <c>*.json</c> policies; <c>null</c> to use only the built-in default.</param>
    public PolicyLoader(string? directory) => this.directory = directory;

    /// <summary>Creates a loader that serves given policies by name (for example one file named on a command line).</summary>
    /// <param name="directory">The folder for other names; <c>null</c> for none.</param>
    /// <param name="policies">Policies served first, by their names.</param>
    public PolicyLoader(string? directory, IEnumerable<SecureSendPolicy> policies)
        : this(directory)
    {
        ArgumentNullException.ThrowIfNull(policies);
        foreach (var policy in policies)
        {
            cache[policy.Name] = policy;
        }
    }

    /// <summary>The built-in policy used when no <c>default.json</c> exists: PHI by S/MIME, OpenPGP or portal; everything else by TLS.</summary>
    public static SecureSendPolicy BuiltInDefault { get; } = new("default", false,
    [
        new PolicyRule(PolicySensitivity.Phi, [], [DeliveryMethod.Smime, DeliveryMethod.Pgp, DeliveryMethod.Portal]),
        new PolicyRule(PolicySensitivity.NonPhi, [], [DeliveryMethod.Tls]),
    ]);

    /// <summary>Gets a policy by name (<c>&lt;directory&gt;/&lt;name&gt;.json</c>); <c>default</c> falls back to <see cref="BuiltInDefault"/>.</summary>
    /// <param name="name">The policy name; empty means <c>default</c>.</param>
    /// <returns>The policy.</returns>
    /// <exception cref="PolicyValidationException">The file is invalid.</exception>
    /// <exception cref="FileNotFoundException">No such policy.</exception>
    public SecureSendPolicy Get(string? name)
    {
        name = string.IsNullOrWhiteSpace(name) ? "default" : name.Trim();
        return cache.GetOrAdd(name, Load);
    }

    /// <summary>Forgets cached policies (after a policy file changed).</summary>
    public void Reload() => cache.Clear();

    /// <summary>Reads and validates a policy file.</summary>
    /// <param name="path">The file.</param>
    /// <returns>The policy.</returns>
    /// <exception cref="PolicyValidationException">The file is invalid.</exception>
    public static SecureSendPolicy LoadFile(string path) =>
        Parse(File.ReadAllText(path), Path.GetFileNameWithoutExtension(path));

    /// <summary>Parses and validates policy JSON.</summary>
    /// <param name="json">The JSON text.</param>
    /// <param name="fallbackName">The name when the JSON does not give one.</param>
    /// <returns>The policy.</returns>
    /// <exception cref="PolicyValidationException">The JSON is invalid; every problem is listed with its path.</exception>
    public static SecureSendPolicy Parse(string json, string fallbackName)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        }
        catch (JsonException exception)
        {
            throw new PolicyValidationException(fallbackName, [$"$: not valid JSON (line {exception.LineNumber + 1}): {exception.Message}"]);
        }

        using (document)
        {
            var errors = new List<string>();
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new PolicyValidationException(fallbackName, ["$: must be an object"]);
            }

            foreach (var property in root.EnumerateObject())
            {
                if (property.Name is not ("name" or "tlsExclusive" or "rules" or "description"))
                {
                    errors.Add($"$.{property.Name}: unknown property (expected name, description, tlsExclusive, rules)");
                }
            }

            var name = fallbackName;
            if (root.TryGetProperty("name", out var nameElement))
            {
                if (nameElement.ValueKind == JsonValueKind.String && nameElement.GetString() is { Length: > 0 } given)
                {
                    name = given;
                }
                else
                {
                    errors.Add("$.name: must be a non-empty string");
                }
            }

            var tlsExclusive = false;
            if (root.TryGetProperty("tlsExclusive", out var exclusive))
            {
                if (exclusive.ValueKind is JsonValueKind.True or JsonValueKind.False)
                {
                    tlsExclusive = exclusive.GetBoolean();
                }
                else
                {
                    errors.Add("$.tlsExclusive: must be true or false");
                }
            }

            var rules = new List<PolicyRule>();
            if (!root.TryGetProperty("rules", out var rulesElement) || rulesElement.ValueKind != JsonValueKind.Array)
            {
                errors.Add("$.rules: required, an array of rules");
            }
            else if (rulesElement.GetArrayLength() == 0)
            {
                errors.Add("$.rules: must hold at least one rule");
            }
            else
            {
                var index = 0;
                foreach (var ruleElement in rulesElement.EnumerateArray())
                {
                    if (ParseRule(ruleElement, $"$.rules[{index}]", errors) is { } rule)
                    {
                        rules.Add(rule);
                    }

                    index++;
                }
            }

            if (errors.Count > 0)
            {
                throw new PolicyValidationException(name, errors);
            }

            return new SecureSendPolicy(name, tlsExclusive, rules);
        }
    }

    private static PolicyRule? ParseRule(JsonElement element, string path, List<string> errors)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            errors.Add($"{path}: must be an object");
            return null;
        }

        var before = errors.Count;
        foreach (var property in element.EnumerateObject())
        {
            if (property.Name is not ("sensitivity" or "purposes" or "methods"))
            {
                errors.Add($"{path}.{property.Name}: unknown property (expected sensitivity, purposes, methods)");
            }
        }

        var sensitivity = element.TryGetProperty("sensitivity", out var s) && s.ValueKind == JsonValueKind.String ? s.GetString() : null;
        if (sensitivity is not (PolicySensitivity.Phi or PolicySensitivity.NonPhi or PolicySensitivity.Any))
        {
            errors.Add($"{path}.sensitivity: required, one of phi, non-phi, any");
        }

        var purposes = new List<string>();
        if (element.TryGetProperty("purposes", out var p))
        {
            if (p.ValueKind != JsonValueKind.Array)
            {
                errors.Add($"{path}.purposes: must be an array of strings");
            }
            else
            {
                var i = 0;
                foreach (var purpose in p.EnumerateArray())
                {
                    if (purpose.ValueKind == JsonValueKind.String && purpose.GetString() is { Length: > 0 } value)
                    {
                        purposes.Add(value);
                    }
                    else
                    {
                        errors.Add($"{path}.purposes[{i}]: must be a non-empty string");
                    }

                    i++;
                }
            }
        }

        var methods = new List<string>();
        if (!element.TryGetProperty("methods", out var m) || m.ValueKind != JsonValueKind.Array || m.GetArrayLength() == 0)
        {
            errors.Add($"{path}.methods: required, a non-empty array of smime, pgp, portal, tls");
        }
        else
        {
            var i = 0;
            foreach (var method in m.EnumerateArray())
            {
                var value = method.ValueKind == JsonValueKind.String ? method.GetString() : null;
                if (value is null || !DeliveryMethod.All.Contains(value))
                {
                    errors.Add($"{path}.methods[{i}]: unknown method {(value is null ? method.ValueKind.ToString() : "'" + value + "'")} (expected smime, pgp, portal, tls)");
                }
                else if (methods.Contains(value))
                {
                    errors.Add($"{path}.methods[{i}]: '{value}' is listed twice");
                }
                else
                {
                    methods.Add(value);
                }

                i++;
            }
        }

        return errors.Count == before ? new PolicyRule(sensitivity!, purposes, methods) : null;
    }

    private SecureSendPolicy Load(string name)
    {
        if (name.IndexOfAny(Path.GetInvalidFileNameChars()) >= 0 || name.Contains("..", StringComparison.Ordinal))
        {
            throw new FileNotFoundException($"Policy name '{name}' is not a valid file name.");
        }

        var path = directory is null ? null : Path.Combine(directory, name + ".json");
        if (path is not null && File.Exists(path))
        {
            return LoadFile(path);
        }

        return name.Equals("default", StringComparison.OrdinalIgnoreCase)
            ? BuiltInDefault
            : throw new FileNotFoundException($"Policy '{name}' not found in the policy directory.", path);
    }
}
