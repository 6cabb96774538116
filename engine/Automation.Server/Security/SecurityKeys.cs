using Automation.Server.Hosting;
using Microsoft.Extensions.Options;

namespace Automation.Server.Security;

/// <summary>The loaded key material. Configuration errors name the setting; key bytes never appear in messages.</summary>
internal sealed class SecurityKeys
{
    public SecurityKeys(IOptions<SecurityOptions> security, IOptions<AutomationServerOptions> server, IHostEnvironment environment)
    {
        var options = security.Value;
        var folder = Path.GetFullPath(server.Value.DataPath, environment.ContentRootPath);
        TokenKey = Configured(options.TokenKey, "TokenKey", exactLength: null) ?? KeyFile.ReadOrCreate(Path.Combine(folder, "token.key"), 32, 32);
        PatientHashKey = Configured(options.PatientHashKey, "PatientHashKey", exactLength: null) ?? KeyFile.ReadOrCreate(Path.Combine(folder, "patient-hash.key"), 32, 32);

        if (options.PhiKeys.Count == 0)
        {
            ActivePhiKey = string.IsNullOrWhiteSpace(options.ActivePhiKey) ? SecurityKeysServiceCollectionExtensions.EmbeddedPhiKeyId : options.ActivePhiKey;
            if (ActivePhiKey != SecurityKeysServiceCollectionExtensions.EmbeddedPhiKeyId)
            {
                throw Invalid($"Automation:Security:ActivePhiKey '{ActivePhiKey}' is not among Automation:Security:PhiKeys (none are configured).");
            }

            PhiKeys = new Dictionary<string, byte[]>
            {
                [ActivePhiKey] = KeyFile.ReadOrCreate(Path.Combine(folder, $"phi-{ActivePhiKey}.key"), 32, 32)[..32],
            };
            return;
        }

        PhiKeys = options.PhiKeys.ToDictionary(pair => pair.Key, pair => Configured(pair.Value, $"PhiKeys:{pair.Key}", exactLength: 32)
            ?? throw Invalid($"Automation:Security:PhiKeys:{pair.Key} is empty."), StringComparer.Ordinal);
        if (string.IsNullOrWhiteSpace(options.ActivePhiKey))
        {
            throw Invalid("Automation:Security:ActivePhiKey is required when Automation:Security:PhiKeys is configured.");
        }

        if (!PhiKeys.ContainsKey(options.ActivePhiKey))
        {
            throw Invalid($"Automation:Security:ActivePhiKey '{options.ActivePhiKey}' is not among Automation:Security:PhiKeys.");
        }

        ActivePhiKey = options.ActivePhiKey;
    }

    public byte[] TokenKey { get; }

    public byte[] PatientHashKey { get; }

    public IReadOnlyDictionary<string, byte[]> PhiKeys { get; }

    public string ActivePhiKey { get; }

    private static byte[]? Configured(string? base64, string name, int? exactLength)
    {
        if (string.IsNullOrWhiteSpace(base64))
        {
            return null;
        }

        byte[] key;
        try
        {
            key = Convert.FromBase64String(base64.Trim());
        }
        catch (FormatException)
        {
            throw Invalid($"Automation:Security:{name} is not valid base64.");
        }

        if (exactLength is { } exact && key.Length != exact)
        {
            throw Invalid($"Automation:Security:{name} must be exactly {exact} bytes (base64), not {key.Length}.");
        }

        if (key.Length < 32)
        {
            throw Invalid($"Automation:Security:{name} must be at least 32 bytes (base64), not {key.Length}.");
        }

        return key;
    }

    private static OptionsValidationException Invalid(string message) =>
        new(SecurityOptions.Section, typeof(SecurityOptions), [message]);
}
