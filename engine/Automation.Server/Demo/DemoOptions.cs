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
}
