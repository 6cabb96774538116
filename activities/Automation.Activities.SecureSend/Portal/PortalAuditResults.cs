namespace Automation.Activities.SecureSend.Portal;

/// <summary>The <c>result</c> values of <c>portal.access</c> audit records.</summary>
public static class PortalAuditResults
{
    /// <summary>The link was opened and the date-of-birth form shown.</summary>
    public const string Opened = "opened";

    /// <summary>A wrong (or unreadable-to-the-record) date of birth.</summary>
    public const string IdentityFailed = "identity-failed";

    /// <summary>The patient record could not be read to check the date of birth (not counted as a wrong answer).</summary>
    public const string IdentityUnavailable = "identity-unavailable";

    /// <summary>The date of birth matched and a code was sent.</summary>
    public const string CodeSent = "code-sent";

    /// <summary>The date of birth matched again within a minute of a code being sent: no second code went out.</summary>
    public const string CodePending = "code-pending";

    /// <summary>The date of birth matched but the code could not be sent.</summary>
    public const string CodeSendFailed = "code-send-failed";

    /// <summary>A wrong or expired code.</summary>
    public const string CodeFailed = "code-failed";

    /// <summary>The message is (or just became) locked after too many wrong answers.</summary>
    public const string Locked = "locked";

    /// <summary>The decrypted message was shown.</summary>
    public const string Read = "read";

    /// <summary>The link or message expired.</summary>
    public const string Expired = "expired";

    /// <summary>The sender retracted the message (actor = the sender), or a retracted message was asked for (actor = recipient).</summary>
    public const string Retracted = "retracted";

    /// <summary>A genuine link whose message is not stored.</summary>
    public const string NotFound = "not-found";
}
