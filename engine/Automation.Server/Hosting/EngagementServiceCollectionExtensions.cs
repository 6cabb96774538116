using Automation.Activities.Consent;
using Automation.Activities.Consent.Records;
using Automation.Activities.SecureSend.Tracking;
using Microsoft.Extensions.Options;

namespace Automation.Server.Hosting;

/// <summary>Registers consent (registry, records, CheckConsent) and engagement tracking (instrumentation, recorder,
/// WaitForEngagement) on the server's store, and migrates their tables at start. Both need the security singletons
/// (<c>SignedTokens</c>, <c>PatientIdHasher</c>) and the <c>IAuditLog</c> the server registers.</summary>
internal static class EngagementServiceCollectionExtensions
{
    /// <summary>Where the embedded default is reached when <c>Automation:PublicBaseUrl</c> is not set.</summary>
    public static readonly Uri EmbeddedPublicBaseUrl = new("http://127.0.0.1:5080");

    public static WebApplicationBuilder AddConsentAndEngagement(this WebApplicationBuilder builder)
    {
        builder.Services.AddConsent(provider =>
        {
            var database = provider.GetRequiredService<ServerDatabase>();
            return database.Pool is { } pool ? new PostgresConsentRecordStore(pool) : ConsentRecordStoreFactory.Create(database.Provider, database.ConnectionString);
        });
        builder.Services.AddEngagementTracking(builder.Configuration, provider =>
        {
            var database = provider.GetRequiredService<ServerDatabase>();
            return database.Pool is { } pool ? new PostgresTrackingStore(pool) : TrackingStoreFactory.Create(database.Provider, database.ConnectionString);
        }, EmbeddedPublicBaseUrl);
        builder.Services.AddHostedService<EngagementStoreMigrator>();
        return builder;
    }
}

/// <summary>Creates the consent and tracking tables at start (idempotent).</summary>
internal sealed class EngagementStoreMigrator(IConsentRecordStore consent, ITrackingStore tracking) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await consent.MigrateAsync(cancellationToken).ConfigureAwait(false);
        await tracking.MigrateAsync(cancellationToken).ConfigureAwait(false);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
