namespace Automation.Activities.SecureSend.Portal;

/// <summary>Why the current page is shown again.</summary>
public enum PortalProblem
{
    /// <summary>Nothing went wrong.</summary>
    None,

    /// <summary>The date of birth does not match the patient record.</summary>
    WrongBirthDate,

    /// <summary>The date of birth is not a date (YYYY-MM-DD).</summary>
    UnreadableBirthDate,

    /// <summary>The code is wrong.</summary>
    WrongCode,

    /// <summary>The code expired or was used: confirm the date of birth again for a new one.</summary>
    CodeExpired,

    /// <summary>The patient record could not be read to check the answer; try again later.</summary>
    CheckUnavailable,

    /// <summary>The code could not be sent; try again later.</summary>
    CodeNotSent,

    /// <summary>The identity step must be done (again) first: no or an expired session.</summary>
    SessionMissing,
}
