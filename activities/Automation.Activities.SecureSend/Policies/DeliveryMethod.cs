namespace Automation.Activities.SecureSend.Policies;

/// <summary>The ways a message may travel, as written in policies and audit records.</summary>
public static class DeliveryMethod
{
    /// <summary>S/MIME enveloped data (AES-256) to the recipient's certificate.</summary>
    public const string Smime = "smime";

    /// <summary>PGP/MIME (AES-256) to the recipient's OpenPGP key.</summary>
    public const string Pgp = "pgp";

    /// <summary>The body is deposited in the encrypted pickup portal; the e-mail carries only a notice and a link.</summary>
    public const string Portal = "portal";

    /// <summary>Plain MIME over an SMTP connection protected by TLS.</summary>
    public const string Tls = "tls";

    /// <summary>Every method, in the order a policy would usually prefer them.</summary>
    public static IReadOnlyList<string> All { get; } = [Smime, Pgp, Portal, Tls];
}
