namespace Automation.Activities.SecureSend;

/// <summary>Secure send settings (configuration section <c>SecureSend</c>).</summary>
public sealed class SecureSendOptions
{
    /// <summary>The From address of every message. Default <c>no-reply@automation.local</c>.</summary>
    public string From { get; set; } = "no-reply@automation.local";

    /// <summary>The organisation name used in portal notices. Default <c>Your care team</c>.</summary>
    public string OrganizationName { get; set; } = "Your care team";

    /// <summary>The right-hand side of generated Message-IDs. Default: the domain of <see cref="From"/>.</summary>
    public string MessageIdDomain
    {
        get => messageIdDomain ?? From[(From.LastIndexOf('@') + 1)..].TrimEnd('>');
        set => messageIdDomain = value;
    }

    private string? messageIdDomain;

    /// <summary>The folder of policy files. Default <c>workflows/policies</c>.</summary>
    public string PolicyDirectory { get; set; } = Path.Combine("workflows", "policies");

    /// <summary>The subject of portal notices (never the message's own subject). Default <c>You have a new secure message</c>.</summary>
    public string PortalNoticeSubject { get; set; } = "You have a new secure message";

    /// <summary>How long a portal pickup link works. Default 14 days.</summary>
    public TimeSpan PortalExpiry { get; set; } = TimeSpan.FromDays(14);

    /// <summary>A PKCS#12 file with the organisation's S/MIME certificate and key; when set, S/MIME messages are signed.</summary>
    public string? SignerPfxFile { get; set; }

    /// <summary>The password of <see cref="SignerPfxFile"/>.</summary>
    public string? SignerPfxPassword { get; set; }

    /// <summary>DKIM signing; unset means no DKIM signature.</summary>
    public DkimOptions? Dkim { get; set; }

    /// <summary>PEM files of trust anchors recipient certificates must chain to; empty accepts any issuer.</summary>
    public IList<string> TrustAnchorFiles { get; } = [];

    /// <summary>The marketing frequency cap (<c>SecureSend:FrequencyCap:Marketing</c>).</summary>
    public FrequencyCapOptions MarketingCap { get; set; } = new();
}

/// <summary>
/// At most <see cref="Max"/> messages of one purpose per patient within <see cref="Window"/>, across journeys
/// (<c>SecureSend:FrequencyCap:Marketing:Max</c> and <c>:Window</c>).
/// </summary>
public sealed class FrequencyCapOptions
{
    /// <summary>The most messages per window; 0 disables the cap. Default 3.</summary>
    public int Max { get; set; } = 3;

    /// <summary>The sliding window. Default 7 days.</summary>
    public TimeSpan Window { get; set; } = TimeSpan.FromDays(7);

    /// <summary>Whether the cap applies.</summary>
    public bool Enabled => Max > 0 && Window > TimeSpan.Zero;
}

/// <summary>DKIM signing settings (<c>SecureSend:Dkim</c>).</summary>
public sealed class DkimOptions
{
    /// <summary>The PEM RSA private key file.</summary>
    public string PrivateKeyFile { get; set; } = "";

    /// <summary>The signing domain (<c>d=</c>).</summary>
    public string Domain { get; set; } = "";

    /// <summary>The selector (<c>s=</c>).</summary>
    public string Selector { get; set; } = "";
}
