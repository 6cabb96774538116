namespace Automation.Activities.SecureSend.Policies;

/// <summary>
/// A declarative send policy (<c>workflows/policies/*.json</c>): the first rule whose sensitivity and purpose match a
/// message gives the ordered list of acceptable methods.
/// </summary>
/// <param name="Name">The policy name (the file name without <c>.json</c> when the file does not name it).</param>
/// <param name="TlsExclusive">When <c>true</c>, reaching <c>tls</c> in a method list ends the search: TLS is required on
/// the connection and a message that cannot go by TLS is dropped (blocked, or bounced at delivery) instead of falling
/// back to a later method.</param>
/// <param name="Rules">The rules, tried in order.</param>
public sealed record SecureSendPolicy(string Name, bool TlsExclusive, IReadOnlyList<PolicyRule> Rules);

/// <summary>One policy rule.</summary>
/// <param name="Sensitivity"><c>phi</c>, <c>non-phi</c> or <c>any</c>.</param>
/// <param name="Purposes">The purposes it applies to (<c>marketing</c>, <c>treatment</c>, ...); empty means every purpose.</param>
/// <param name="Methods">Acceptable methods in order of preference.</param>
public sealed record PolicyRule(string Sensitivity, IReadOnlyList<string> Purposes, IReadOnlyList<string> Methods)
{
    /// <summary>Whether the rule applies to a message.</summary>
    /// <param name="isPhi">Whether the message carries PHI.</param>
    /// <param name="purpose">The send purpose.</param>
    /// <returns><c>true</c> when it applies.</returns>
    public bool Matches(bool isPhi, string purpose) =>
        (Sensitivity == PolicySensitivity.Any || Sensitivity == (isPhi ? PolicySensitivity.Phi : PolicySensitivity.NonPhi))
        && (Purposes.Count == 0 || Purposes.Contains(purpose, StringComparer.OrdinalIgnoreCase));
}

/// <summary>The sensitivity values a rule may name.</summary>
public static class PolicySensitivity
{
    /// <summary>Messages carrying PHI.</summary>
    public const string Phi = "phi";

    /// <summary>Messages without PHI.</summary>
    public const string NonPhi = "non-phi";

    /// <summary>Every message.</summary>
    public const string Any = "any";
}
