using System.Security.Cryptography.X509Certificates;
using Automation.Activities.SecureSend.Delivery;
using Automation.Activities.SecureSend.Recipients;
using Automation.Activities.SecureSend.Mime;
using Automation.Activities.SecureSend.Policies;
using Automation.Engine.Descriptors;
using Automation.Engine.Outbox;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Automation.Activities.SecureSend;

/// <summary>Registers secure send.</summary>
public static class SecureSendServiceCollectionExtensions
{
    /// <summary>
    /// Adds the <c>SecureSend</c> activity, the recipient directory (<c>SecureSend:Directory:Provider</c> and
    /// <c>ConnectionString</c>, defaulting to <c>Automation:Store:*</c>), the policy loader (<c>SecureSend:PolicyDirectory</c>, default <c>&lt;Automation:WorkflowsPath&gt;/policies</c>),
    /// the MIME builder and the <c>secure-send</c> outbox handler (<c>SecureSend:Smtp</c>). The host must register
    /// <see cref="Automation.Engine.Audit.IAuditLog"/>, <see cref="Automation.Engine.Security.PhiProtector"/> and
    /// <see cref="Automation.Engine.Audit.PatientIdHasher"/>; <see cref="Portal.IPortalMailbox"/> and
    /// <see cref="Tracking.IMessageInstrumentation"/> are used when registered, and <see cref="Tracking.ITrackingStore"/> (when
    /// registered) counts marketing messages for the frequency cap (<c>SecureSend:FrequencyCap:Marketing:Max</c>, default 3,
    /// 0 disables; <c>:Window</c>, default 7 days).
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="configuration">The configuration root.</param>
    /// <returns>The services.</returns>
    /// <exception cref="InvalidOperationException">The SMTP options are invalid (every problem is listed).</exception>
    public static IServiceCollection AddSecureSend(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        var options = ReadOptions(configuration.GetSection("SecureSend"));
        if (string.IsNullOrEmpty(configuration["SecureSend:PolicyDirectory"]) && configuration["Automation:WorkflowsPath"] is { Length: > 0 } workflows)
        {
            options.PolicyDirectory = Path.Combine(workflows, "policies");
        }
        var smtp = ReadSmtp(configuration.GetSection("SecureSend:Smtp"));
        if (smtp.Validate() is { Count: > 0 } problems)
        {
            throw new InvalidOperationException(string.Join(" ", problems));
        }

        services.AddSingleton(new ActivityAssembly(typeof(Activities.SecureSend).Assembly));
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(options);
        services.TryAddSingleton(smtp);
        services.TryAddSingleton(provider =>
        {
            var directory = configuration.GetSection("SecureSend:Directory");
            var store = configuration.GetSection("Automation:Store");
            var providerName = directory["Provider"] is { Length: > 0 } p ? p : store["Provider"] is { Length: > 0 } s ? s : "sqlite";
            var connection = directory["ConnectionString"] is { Length: > 0 } c ? c
                : store["ConnectionString"] is { Length: > 0 } sc ? sc
                : "Data Source=" + Path.Combine(configuration["Automation:DataPath"] ?? "data", "automation.db");
            var recipients = RecipientStore.Create(providerName, connection);
            recipients.MigrateAsync().GetAwaiter().GetResult(); // once at start, like the other stores
            return recipients;
        });
        services.TryAddSingleton(provider => new SmimeCertificateImporter(
            [.. options.TrustAnchorFiles.Select(file => X509Certificate2.CreateFromPemFile(file))], provider.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton<RecipientDirectory>();
        services.TryAddSingleton(new PolicyLoader(options.PolicyDirectory));
        services.TryAddSingleton<SecureMessageBuilder>();
        // Factories, not constructor registrations: the audit log, PHI key ring and hasher come from the host, which may
        // register them after this call (and DI validation at build would otherwise reject a host without them yet).
        services.TryAddSingleton(provider => new SecureSender(
            provider.GetRequiredService<RecipientDirectory>(), provider.GetRequiredService<PolicyLoader>(), provider.GetRequiredService<SecureMessageBuilder>(),
            provider.GetRequiredService<SecureSendOptions>(), provider.GetRequiredService<TimeProvider>(), provider.GetService<Automation.Engine.Audit.PatientIdHasher>(),
            provider.GetService<Portal.IPortalMailbox>(), provider.GetService<Tracking.IMessageInstrumentation>(), provider.GetService<Tracking.ITrackingStore>()));
        services.TryAddSingleton(provider => new SecureSendOutboxHandler(
            provider.GetRequiredService<SmtpOptions>(), provider.GetRequiredService<Automation.Engine.Security.PhiProtector>(),
            provider.GetRequiredService<Automation.Engine.Audit.IAuditLog>(), provider.GetRequiredService<TimeProvider>()));
        services.AddSingleton<IOutboxHandler>(provider => provider.GetRequiredService<SecureSendOutboxHandler>());
        return services;
    }

    /// <summary>Reads <see cref="SecureSendOptions"/> from the <c>SecureSend</c> section.</summary>
    /// <param name="section">The section.</param>
    /// <returns>The options.</returns>
    public static SecureSendOptions ReadOptions(IConfiguration section)
    {
        ArgumentNullException.ThrowIfNull(section);
        var options = new SecureSendOptions();
        options.From = section["From"] is { Length: > 0 } from ? from : options.From;
        options.OrganizationName = section["OrganizationName"] is { Length: > 0 } org ? org : options.OrganizationName;
        if (section["MessageIdDomain"] is { Length: > 0 } domain)
        {
            options.MessageIdDomain = domain;
        }

        options.PolicyDirectory = section["PolicyDirectory"] is { Length: > 0 } policies ? policies : options.PolicyDirectory;
        options.PortalNoticeSubject = section["PortalNoticeSubject"] is { Length: > 0 } notice ? notice : options.PortalNoticeSubject;
        options.SignerPfxFile = section["SignerPfxFile"];
        options.SignerPfxPassword = section["SignerPfxPassword"];
        if (section.GetSection("Dkim")["PrivateKeyFile"] is { Length: > 0 } dkimKey)
        {
            options.Dkim = new DkimOptions { PrivateKeyFile = dkimKey, Domain = section["Dkim:Domain"] ?? "", Selector = section["Dkim:Selector"] ?? "" };
        }

        var cap = section.GetSection("FrequencyCap:Marketing");
        if (cap["Max"] is { Length: > 0 } max)
        {
            options.MarketingCap.Max = int.TryParse(max, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var parsedMax) && parsedMax >= 0
                ? parsedMax
                : throw new InvalidOperationException($"SecureSend:FrequencyCap:Marketing:Max must be a whole number >= 0 (was '{max}').");
        }

        if (cap["Window"] is { Length: > 0 } window)
        {
            options.MarketingCap.Window = TimeSpan.TryParse(window, System.Globalization.CultureInfo.InvariantCulture, out var parsedWindow) && parsedWindow >= TimeSpan.Zero
                ? parsedWindow
                : throw new InvalidOperationException($"SecureSend:FrequencyCap:Marketing:Window must be a time span such as 7.00:00:00 (was '{window}').");
        }

        foreach (var anchor in section.GetSection("TrustAnchorFiles").GetChildren())
        {
            if (anchor.Value is { Length: > 0 } file)
            {
                options.TrustAnchorFiles.Add(file);
            }
        }

        return options;
    }

    /// <summary>Reads <see cref="SmtpOptions"/> from the <c>SecureSend:Smtp</c> section.</summary>
    /// <param name="section">The section.</param>
    /// <returns>The options (validate them with <see cref="SmtpOptions.Validate"/>).</returns>
    public static SmtpOptions ReadSmtp(IConfiguration section)
    {
        ArgumentNullException.ThrowIfNull(section);
        var smtp = new SmtpOptions();
        smtp.Host = section["Host"] is { Length: > 0 } host ? host : smtp.Host;
        smtp.Port = int.TryParse(section["Port"], out var port) ? port : smtp.Port;
        smtp.TlsMode = section["TlsMode"] is { Length: > 0 } mode ? mode.ToLowerInvariant() : smtp.TlsMode;
        smtp.UserName = section["UserName"];
        smtp.Password = section["Password"];
        smtp.InsecureAcceptAnyCertificate = bool.TryParse(section["InsecureAcceptAnyCertificate"], out var insecure) && insecure;
        smtp.PoolSize = int.TryParse(section["PoolSize"], out var pool) ? pool : smtp.PoolSize;
        smtp.DisablePipelining = bool.TryParse(section["DisablePipelining"], out var disable) && disable;
        return smtp;
    }
}
