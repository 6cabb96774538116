using Automation.Activities.SecureSend.Portal;
using Automation.Server.Hosting;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Automation.Server.Portal;

/// <summary>Registers the pickup portal on the server's store and patient data.</summary>
internal static class PortalServerRegistration
{
    public static WebApplicationBuilder AddPortalServer(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddPortal(builder.Configuration, (provider, options) =>
        {
            var server = provider.GetRequiredService<IOptions<AutomationServerOptions>>().Value;
            options.StoreProvider = server.Store.Provider;
            options.StoreConnectionString = StoreConnection.Resolve(server, provider.GetRequiredService<IHostEnvironment>());
        });
        services.TryAddSingleton<IPatientBirthDates, PatientRecordBirthDates>();
        services.AddPortalSecurityFallbacks(builder.Configuration);
        services.AddAntiforgery(o =>
        {
            o.Cookie.Name = PortalEndpoints.AntiforgeryCookie;
            o.Cookie.Path = "/portal";
            o.Cookie.SameSite = SameSiteMode.Strict;
            o.FormFieldName = "__portal_form";
        });
        return builder;
    }
}
