namespace Automation.Activities.SecureSend.Portal;

/// <summary>The SMTP server the one-time codes go through (configuration section <c>SecureSend:Smtp</c>).</summary>
public sealed class PortalSmtpOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "SecureSend:Smtp";

    /// <summary>The host. When empty, codes cannot be sent and the portal says so.</summary>
    public string? Host { get; set; }

    /// <summary>The port. Default 587 (submission with STARTTLS).</summary>
    public int Port { get; set; } = 587;

    /// <summary>The sender address of the code notices. Default <c>portal@localhost</c>.</summary>
    public string From { get; set; } = "portal@localhost";

    /// <summary>The user name, when the server requires authentication.</summary>
    public string? UserName { get; set; }

    /// <summary>The password for <see cref="UserName"/>.</summary>
    public string? Password { get; set; }

    /// <summary>Accept any server certificate (loopback test servers and demos only). Default <c>false</c>.
    /// STARTTLS with TLS 1.2 or 1.3 is required either way.</summary>
    public bool InsecureAcceptAnyCertificate { get; set; }
}
