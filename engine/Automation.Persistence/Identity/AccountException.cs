namespace Automation.Persistence.Identity;

/// <summary>An account request was refused; <see cref="Field"/> names the input at fault.</summary>
public sealed class AccountException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="field">The input at fault: <c>email</c>, <c>role</c>, <c>password</c> or <c>name</c>.</param>
    /// <param name="message">Why.</param>
    public AccountException(string field, string message)
        : base(message) => Field = field;

    /// <summary>The input at fault.</summary>
    public string Field { get; }
}
