namespace Automation.Activities.SecureSend.Policies;

/// <summary>
/// The send decision as a pure function. The rule for PHI and plain TLS: PHI goes by <c>tls</c> only when the matching
/// rule is a <c>phi</c> rule that lists <c>tls</c> explicitly (an <c>any</c> rule is not enough) and the recipient's
/// domain is configured to require TLS 1.2+. The <c>tls</c> method always requires TLS 1.2+ on the connection (a server
/// without STARTTLS bounces the message). Methods are tried in the
/// rule's order and the first the recipient can receive wins; every skipped method is named in the reason, so nothing
/// is downgraded silently.
/// </summary>
public static class PolicyEngine
{
    /// <summary>Decides how a message may travel.</summary>
    /// <param name="policy">The policy.</param>
    /// <param name="isPhi">Whether the message carries PHI (after the sensitivity check).</param>
    /// <param name="purpose">The send purpose.</param>
    /// <param name="recipient">What the directory knows about the recipient.</param>
    /// <returns>The decision.</returns>
    public static PolicyDecision Decide(SecureSendPolicy policy, bool isPhi, string purpose, RecipientCapabilities recipient)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(recipient);
        purpose ??= "";
        var sensitivity = isPhi ? PolicySensitivity.Phi : PolicySensitivity.NonPhi;
        var ruleIndex = -1;
        for (var i = 0; i < policy.Rules.Count; i++)
        {
            if (policy.Rules[i].Matches(isPhi, purpose))
            {
                ruleIndex = i;
                break;
            }
        }

        if (ruleIndex < 0)
        {
            return new PolicyDecision(null, false, $"policy '{policy.Name}': no rule for {sensitivity} purpose '{purpose}'");
        }

        var rule = policy.Rules[ruleIndex];
        var skipped = new List<string>();
        foreach (var method in rule.Methods)
        {
            var refusal = Refusal(method, rule, isPhi, recipient);
            if (refusal is null)
            {
                // The tls method promises TLS, the portal notice carries a pickup link, and PHI never rides in clear
                // even when encrypted end to end; only non-PHI S/MIME or PGP may use opportunistic TLS.
                var requireTls = method is DeliveryMethod.Tls or DeliveryMethod.Portal || isPhi || recipient.DomainRequiresTls;
                return new PolicyDecision(method, requireTls, Describe(policy, ruleIndex, sensitivity, $"chose {method}", skipped, recipient));
            }

            skipped.Add($"{method} skipped: {refusal}");
            if (method == DeliveryMethod.Tls && policy.TlsExclusive)
            {
                return new PolicyDecision(null, false, Describe(policy, ruleIndex, sensitivity, "blocked: tls exclusive, no fallback", skipped, recipient));
            }
        }

        return new PolicyDecision(null, false, Describe(policy, ruleIndex, sensitivity, "blocked: no acceptable method", skipped, recipient));
    }

    private static string? Refusal(string method, PolicyRule rule, bool isPhi, RecipientCapabilities recipient) => method switch
    {
        DeliveryMethod.Smime => recipient.HasSmimeCertificate ? null : "no usable S/MIME certificate",
        DeliveryMethod.Pgp => recipient.HasPgpKey ? null : "no usable OpenPGP key",
        DeliveryMethod.Portal => recipient.PortalEnrolled ? null : "recipient not enrolled in the portal",
        DeliveryMethod.Tls when !isPhi => null,
        DeliveryMethod.Tls when rule.Sensitivity != PolicySensitivity.Phi => "PHI needs a phi rule that lists tls explicitly",
        DeliveryMethod.Tls => recipient.DomainRequiresTls ? null : "PHI by tls needs a recipient domain that requires TLS",
        _ => "unknown method",
    };

    private static string Describe(SecureSendPolicy policy, int ruleIndex, string sensitivity, string verdict, List<string> skipped, RecipientCapabilities recipient)
    {
        var reason = $"policy '{policy.Name}' rule {ruleIndex} ({sensitivity}): {verdict}";
        if (skipped.Count > 0)
        {
            reason += "; " + string.Join("; ", skipped);
        }

        if (recipient.Notes is { Count: > 0 } notes)
        {
            reason += " (" + string.Join(", ", notes) + ")";
        }

        return reason;
    }
}
