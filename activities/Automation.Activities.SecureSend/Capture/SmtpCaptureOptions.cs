namespace Automation.Activities.SecureSend.Capture;

/// <summary>How the capture SMTP server listens and what it keeps.</summary>
public sealed class SmtpCaptureOptions
{
    /// <summary>The loopback port; 0 picks a free one.</summary>
    public int Port { get; set; }

    /// <summary>Whether STARTTLS is offered (with a self-signed certificate generated at start).</summary>
    public bool StartTls { get; set; } = true;

    /// <summary>How many recent messages to keep in memory with their bytes (older ones are only counted).</summary>
    public int Keep { get; set; } = 1000;

    /// <summary>A folder to write every message to as <c>&lt;sequence&gt;.eml</c> (with its envelope in
    /// <c>envelopes.ndjson</c>), or <c>null</c>. A capture started on a folder that holds mail lists it and numbers on
    /// after it.</summary>
    public string? Folder { get; set; }
}
