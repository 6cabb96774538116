using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace Automation.Server.Hosting;

/// <summary>Holds the API key: from configuration, or generated once per start (logged once) so the API is never open.</summary>
internal sealed partial class ApiKeyProvider
{
    private readonly byte[] key;

    public ApiKeyProvider(IOptions<AutomationServerOptions> options, ILogger<ApiKeyProvider> logger)
    {
        var configured = options.Value.ApiKey;
        if (string.IsNullOrWhiteSpace(configured))
        {
            configured = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));
            LogGenerated(logger, configured);
        }

        key = Encoding.UTF8.GetBytes(configured);
    }

    public bool Matches(string? presented) =>
        presented is not null && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(presented), key);

    [LoggerMessage(EventId = 3101, Level = LogLevel.Warning, Message = "No Automation:ApiKey configured; this run's API key is {ApiKey}")]
    private static partial void LogGenerated(ILogger logger, string apiKey);
}
