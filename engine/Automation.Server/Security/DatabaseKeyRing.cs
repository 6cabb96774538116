using Automation.Engine.Security;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.Extensions.Options;

namespace Automation.Server.Security;

/// <summary>
/// Keeps ASP.NET Core's data-protection key ring (it protects the portal's antiforgery tokens) in the server's database,
/// each key encrypted with the PHI key ring (AES-256-GCM). The default keeps the keys unencrypted in the process's home
/// folder: a second server process behind the same address refused the first one's portal forms, and a container
/// without a volume forgot them at every restart.
/// </summary>
internal static class DatabaseKeyRing
{
    public static IServiceCollection AddDatabaseKeyRing(this IServiceCollection services)
    {
        services.AddDataProtection().SetApplicationName("Automation");
        services.AddSingleton<DatabaseXmlRepository>();
        services.AddSingleton<IConfigureOptions<KeyManagementOptions>>(provider => new ConfigureOptions<KeyManagementOptions>(options =>
        {
            options.XmlRepository = provider.GetRequiredService<DatabaseXmlRepository>();
            options.XmlEncryptor = new PhiXmlEncryptor(provider.GetRequiredService<PhiProtector>());
        }));
        return services;
    }
}
