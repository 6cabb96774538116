using System.Globalization;
using Microsoft.Extensions.Configuration;

namespace Automation.Activities.SecureSend.Portal;

/// <summary>
/// Portal settings: <c>Automation:PublicBaseUrl</c> (the origin pickup links point at) and the section
/// <c>SecureSend:Portal</c> (<c>MaxFailedAttempts</c>, <c>LockoutDuration</c>, <c>CodeLifetime</c>, <c>SessionLifetime</c>).
/// </summary>
public sealed class PortalOptions
{
    /// <summary>The configuration section of the limits.</summary>
    public const string Section = "SecureSend:Portal";

    private List<string> parseErrors = [];

    /// <summary>The public origin of the server, e.g. <c>https://automation.example.org</c>; links are
    /// <c>{PublicBaseUrl}/portal/{token}</c>. Required.</summary>
    public Uri? PublicBaseUrl { get; set; }

    /// <summary>The store provider, <c>sqlite</c> or <c>postgres</c>. Required.</summary>
    public string StoreProvider { get; set; } = "sqlite";

    /// <summary>The store's connection string. Required unless <see cref="StoreDataSource"/> is set.</summary>
    public string? StoreConnectionString { get; set; }

    /// <summary>
    /// With provider <c>postgres</c>: a connection pool shared with the host's other stores (the host disposes it); the
    /// portal store then opens no pool of its own. Default <c>null</c>: a pool from <see cref="StoreConnectionString"/>.
    /// </summary>
    public Npgsql.NpgsqlDataSource? StoreDataSource { get; set; }

    /// <summary>Wrong answers (date of birth or code) before the message locks. Default 5.</summary>
    public int MaxFailedAttempts { get; set; } = 5;

    /// <summary>How long a lockout lasts. Default 30 minutes.</summary>
    public TimeSpan LockoutDuration { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>How long a one-time code works. Default 10 minutes.</summary>
    public TimeSpan CodeLifetime { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>How long the reading session cookie lasts after the code was accepted. Default 15 minutes.</summary>
    public TimeSpan SessionLifetime { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>The SMTP server for the codes.</summary>
    public PortalSmtpOptions Smtp { get; set; } = new();

    /// <summary>Reads the settings from configuration; values that do not parse are reported by <see cref="Validate"/>.</summary>
    /// <param name="configuration">The configuration root.</param>
    /// <returns>The options.</returns>
    public static PortalOptions FromConfiguration(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var options = new PortalOptions();
        var errors = new List<string>();
        if (configuration["Automation:PublicBaseUrl"] is { Length: > 0 } baseUrl)
        {
            options.PublicBaseUrl = Uri.TryCreate(baseUrl, UriKind.Absolute, out var uri) ? uri : null;
            if (options.PublicBaseUrl is null)
            {
                errors.Add($"Automation:PublicBaseUrl '{baseUrl}' is not an absolute URL.");
            }
        }

        var portal = configuration.GetSection(Section);
        options.MaxFailedAttempts = Read(portal, nameof(MaxFailedAttempts), options.MaxFailedAttempts, int.TryParse, errors);
        options.LockoutDuration = Read(portal, nameof(LockoutDuration), options.LockoutDuration, TimeSpan.TryParse, errors);
        options.CodeLifetime = Read(portal, nameof(CodeLifetime), options.CodeLifetime, TimeSpan.TryParse, errors);
        options.SessionLifetime = Read(portal, nameof(SessionLifetime), options.SessionLifetime, TimeSpan.TryParse, errors);

        var smtp = configuration.GetSection(PortalSmtpOptions.Section);
        options.Smtp.Host = smtp["Host"];
        options.Smtp.Port = Read(smtp, nameof(PortalSmtpOptions.Port), options.Smtp.Port, int.TryParse, errors);
        options.Smtp.From = smtp["From"] is { Length: > 0 } from ? from : options.Smtp.From;
        options.Smtp.UserName = smtp["UserName"];
        options.Smtp.Password = smtp["Password"];
        options.Smtp.InsecureAcceptAnyCertificate = Read(smtp, nameof(PortalSmtpOptions.InsecureAcceptAnyCertificate), false, bool.TryParse, errors);
        options.parseErrors = errors;
        return options;
    }

    /// <summary>Every problem with the settings, each naming its configuration key; empty when valid.</summary>
    /// <returns>The problems.</returns>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>(parseErrors);
        if (PublicBaseUrl is null && parseErrors.Count == 0)
        {
            errors.Add("Automation:PublicBaseUrl is required (the origin pickup links point at, e.g. https://automation.example.org).");
        }
        else if (PublicBaseUrl is { } url && url.Scheme != Uri.UriSchemeHttps && url.Scheme != Uri.UriSchemeHttp)
        {
            errors.Add("Automation:PublicBaseUrl must be an http or https URL.");
        }

        if (StoreProvider is not ("sqlite" or "postgres"))
        {
            errors.Add($"The portal store provider '{StoreProvider}' must be 'sqlite' or 'postgres'.");
        }

        if (string.IsNullOrWhiteSpace(StoreConnectionString) && StoreDataSource is null)
        {
            errors.Add("The portal store connection string is required.");
        }

        if (MaxFailedAttempts is < 1 or > 100)
        {
            errors.Add($"{Section}:MaxFailedAttempts must be between 1 and 100.");
        }

        if (LockoutDuration <= TimeSpan.Zero)
        {
            errors.Add($"{Section}:LockoutDuration must be positive.");
        }

        if (CodeLifetime <= TimeSpan.Zero || CodeLifetime > TimeSpan.FromHours(1))
        {
            errors.Add($"{Section}:CodeLifetime must be positive and at most one hour.");
        }

        if (SessionLifetime <= TimeSpan.Zero || SessionLifetime > TimeSpan.FromHours(2))
        {
            errors.Add($"{Section}:SessionLifetime must be positive and at most two hours.");
        }

        if (Smtp.Port is < 1 or > 65535)
        {
            errors.Add($"{PortalSmtpOptions.Section}:Port must be between 1 and 65535.");
        }

        return errors;
    }

    private delegate bool TryParse<T>(string text, out T value);

    private static T Read<T>(IConfiguration section, string key, T fallback, TryParse<T> parse, List<string> errors)
    {
        var text = section[key];
        if (string.IsNullOrWhiteSpace(text))
        {
            return fallback;
        }

        if (parse(text, out var value))
        {
            return value;
        }

        var path = section is IConfigurationSection named ? named.Path + ":" + key : key;
        errors.Add(string.Create(CultureInfo.InvariantCulture, $"{path} value '{text}' is not a valid {typeof(T).Name}."));
        return fallback;
    }
}
