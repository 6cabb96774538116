namespace Automation.Activities.SecureSend.Recipients;

/// <summary>A certificate, key or directory entry cannot be imported; the message says exactly why (never the key material).</summary>
public sealed class RecipientImportException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="field">What was wrong: <c>certificate</c>, <c>key</c>, <c>address</c> or <c>domain</c>.</param>
    /// <param name="message">Why.</param>
    /// <param name="inner">The parser's exception, if any.</param>
    public RecipientImportException(string field, string message, Exception? inner = null)
        : base(message, inner) => Field = field;

    /// <summary>What was wrong: <c>certificate</c>, <c>key</c>, <c>address</c> or <c>domain</c>.</summary>
    public string Field { get; }
}
