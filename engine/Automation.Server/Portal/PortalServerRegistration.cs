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
            var database = provider.GetRequiredService<ServerDatabase>();
            options.StoreProvider = database.Provider;
            options.StoreConnectionString = database.ConnectionString;
            options.StoreDataSource = database.Pool;
        });
        services.TryAddSingleton<IPatientBirthDates, PatientRecordBirthDates>();
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
