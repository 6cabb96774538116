namespace Automation.Activities.SecureSend.Delivery;

/// <summary>The SMTP relay secure send delivers through (configuration section <c>SecureSend:Smtp</c>).</summary>
public sealed class SmtpOptions
{
    /// <summary>The relay host. Default <c>localhost</c>.</summary>
    public string Host { get; set; } = "localhost";

    /// <summary>The relay port. Default 25.</summary>
    public int Port { get; set; } = 25;

    /// <summary><c>starttls</c> (default: STARTTLS, required when the message or domain demands TLS, otherwise used when
    /// offered) or <c>none</c> (never TLS: messages that require TLS then bounce).</summary>
    public string TlsMode { get; set; } = "starttls";

    /// <summary>The user name, when the relay needs authentication.</summary>
    public string? UserName { get; set; }

    /// <summary>The password for <see cref="UserName"/>.</summary>
    public string? Password { get; set; }

    /// <summary>Accept any server certificate. For the demo and tests only: it removes protection against interception.</summary>
    public bool InsecureAcceptAnyCertificate { get; set; }

    /// <summary>Connections kept open per TLS requirement. Default 4.</summary>
    public int PoolSize { get; set; } = 4;

    /// <summary>Turn the PIPELINING capability off after connecting, for relays that stall on it: a relay built on the
    /// SmtpServer package with Nagle's algorithm on waits about 40 ms a message (our capture servers turn Nagle off).
    /// Default <c>false</c>.</summary>
    public bool DisablePipelining { get; set; }

    /// <summary>The first retry delay; it doubles per attempt up to <see cref="MaxRetryDelay"/>. Default 30 s.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The longest retry delay. Default one hour.</summary>
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Checks the options.</summary>
    /// <returns>Every problem, naming the property.</returns>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (string.IsNullOrWhiteSpace(Host))
        {
            problems.Add("SecureSend:Smtp:Host is required.");
        }

        if (Port is < 1 or > 65535)
        {
            problems.Add("SecureSend:Smtp:Port must be 1-65535.");
        }

        if (TlsMode is not ("starttls" or "none"))
        {
            problems.Add("SecureSend:Smtp:TlsMode must be starttls or none.");
        }

        if (PoolSize is < 1 or > 256)
        {
            problems.Add("SecureSend:Smtp:PoolSize must be 1-256.");
        }

        return problems;
    }
}
