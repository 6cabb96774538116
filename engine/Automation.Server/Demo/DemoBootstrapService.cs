using System.Security.Cryptography;
using Automation.Activities.Fhir.Synthetic;
using Automation.Persistence.Identity;
using Automation.Server.Hosting;
using Microsoft.Extensions.Options;

namespace Automation.Server.Demo;

/// <summary>
/// Prepares the embedded demo before anything else starts: the synthetic population (generated once), the SMTP capture,
/// and, when nobody can sign in yet, a one-time admin whose password is printed once to the console.
/// </summary>
internal sealed partial class DemoBootstrapService(
    IOptions<DemoOptions> demo,
    IOptions<AutomationServerOptions> server,
    IWebHostEnvironment environment,
    DemoMailbox mailbox,
    IIdentityStore identities,
    AccountService accounts,
    IConfiguration configuration,
    IServiceProvider services,
    ILogger<DemoBootstrapService> logger) : IHostedService
{
    public const string AdminEmail = "admin@localhost";

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var options = demo.Value;
        if (!options.Enabled)
        {
            return;
        }

        var data = Path.GetFullPath(server.Value.DataPath, environment.ContentRootPath);
        var patients = configuration["Fhir:Directory"] is { Length: > 0 } configured ? configured : Path.Combine(data, "patients");
        if (!File.Exists(Path.Combine(patients, "Patient.ndjson")))
        {
            var summary = await new SyntheticPopulation().WriteAsync(
                new SyntheticOptions { PatientCount = options.Patients, Seed = options.Seed, OutputDirectory = patients, Today = DateOnly.FromDateTime(DateTime.UtcNow) },
                cancellationToken).ConfigureAwait(false);
            LogPopulation(summary.Counts.FirstOrDefault(c => c.Key == "Patient.ndjson").Value, patients);
        }

        var provisioned = await DemoRecipients.ProvisionAsync(patients, Path.Combine(data, "demo-keys"),
            services.GetRequiredService<Automation.Activities.SecureSend.Recipients.RecipientDirectory>(), cancellationToken).ConfigureAwait(false);
        if (provisioned > 0)
        {
            LogRecipients(provisioned);
        }

        mailbox.Start(options.SmtpPort, Path.Combine(data, "mail"));
        LogSmtp(options.SmtpPort);

        await identities.MigrateAsync(cancellationToken).ConfigureAwait(false);
        if ((await identities.ListUsersAsync(cancellationToken).ConfigureAwait(false)).Count == 0 && string.IsNullOrEmpty(configuration["Automation:Auth:InitialAdmin:Email"]))
        {
            var password = Convert.ToBase64String(RandomNumberGenerator.GetBytes(15));
            await accounts.CreateUserAsync(AdminEmail, Roles.Admin, password, cancellationToken).ConfigureAwait(false);

            // A one-time credential for the person who just started the demo: printed, never logged.
            Console.WriteLine($"""

                Automation demo: sign in at {configuration["Urls"]?.Split(';')[0] ?? "http://127.0.0.1:5080"}/designer/ as {AdminEmail} with password {password}
                (shown once; create your own users with `automation users add`).

                """);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(EventId = 7001, Level = LogLevel.Information, Message = "Demo: generated {Count} synthetic patients in {Folder}")]
    private partial void LogPopulation(long count, string folder);

    [LoggerMessage(EventId = 7003, Level = LogLevel.Information, Message = "Demo: {Count} recipients given an S/MIME certificate or portal enrolment")]
    private partial void LogRecipients(int count);

    [LoggerMessage(EventId = 7002, Level = LogLevel.Information, Message = "Demo: local SMTP capture with STARTTLS on 127.0.0.1:{Port}")]
    private partial void LogSmtp(int port);
}
