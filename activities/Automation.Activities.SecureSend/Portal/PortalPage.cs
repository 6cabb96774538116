namespace Automation.Activities.SecureSend.Portal;

/// <summary>What the recipient should see next.</summary>
public enum PortalPage
{
    /// <summary>The first identity step: the date of birth.</summary>
    BirthDate,

    /// <summary>The second identity step: the one-time code just sent.</summary>
    Code,

    /// <summary>The decrypted message.</summary>
    Message,

    /// <summary>The link is not ours, was altered, or its message is gone.</summary>
    NotFound,

    /// <summary>The message expired.</summary>
    Expired,

    /// <summary>The sender retracted the message.</summary>
    Retracted,

    /// <summary>Too many wrong answers: locked until <see cref="PortalStep.LockedUntil"/>.</summary>
    Locked,
}
