namespace Automation.Server.Demo;

/// <summary>
/// The embedded demo (<c>Automation:Demo</c>): on a fresh data folder the server generates synthetic patients, runs a
/// local SMTP capture with STARTTLS on loopback, creates a one-time admin, and starts the sample journeys. Turn it off
/// in production (<c>Automation:Demo:Enabled=false</c>).
/// </summary>
public sealed class DemoOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Automation:Demo";

    /// <summary>Whether the demo runs.</summary>
    public bool Enabled { get; set; }

    /// <summary>Synthetic patients generated when the patient folder is empty.</summary>
    public int Patients { get; set; } = 1000;

    /// <summary>The seed of the synthetic population (same seed, same patients).</summary>
    public int Seed { get; set; } = 42;

    /// <summary>The loopback port of the SMTP capture (secure send's SMTP settings point here in the demo).</summary>
    public int SmtpPort { get; set; } = 2525;

    /// <summary>In the demo, secure send delivers into the local capture unless its SMTP host is configured.</summary>
    /// <param name="configuration">The host's configuration, before secure send reads it.</param>
    public static void PointSecureSendAtTheCapture(IConfigurationManager configuration)
    {
        if (!configuration.GetValue<bool>(Section + ":Enabled") || !string.IsNullOrEmpty(configuration["SecureSend:Smtp:Host"]))
        {
            return;
        }

        configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["SecureSend:Smtp:Host"] = "127.0.0.1",
            ["SecureSend:Smtp:Port"] = configuration[Section + ":SmtpPort"] ?? "2525",

            // The capture's certificate is generated at start; TLS is still negotiated and required.
            ["SecureSend:Smtp:InsecureAcceptAnyCertificate"] = "true",
        });
    }
}
