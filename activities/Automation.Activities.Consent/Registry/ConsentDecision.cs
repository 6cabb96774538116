namespace Automation.Activities.Consent.Registry;

/// <summary>The answer to a consent check.</summary>
/// <param name="Granted">Whether the communication may go ahead.</param>
/// <param name="Rule">The rule that decided, one of <see cref="ConsentRules"/>.</param>
/// <param name="Evidence">The consent or record it rests on; <c>null</c> when nothing applied (fail closed).</param>
public sealed record ConsentDecision(bool Granted, string Rule, ConsentEvidence? Evidence)
{
    /// <summary><c>Granted</c> or <c>Denied</c>.</summary>
    public string Outcome => Granted ? "Granted" : "Denied";

    /// <summary>The details a <c>consent.check</c> audit record carries: purpose, channel, rule and the evidence's
    /// source, id and version (never PHI).</summary>
    /// <param name="purpose">The purpose checked.</param>
    /// <param name="channel">The channel checked.</param>
    /// <returns>The details, for the caller to add to.</returns>
    public Dictionary<string, string> AuditDetails(string purpose, string channel)
    {
        var details = new Dictionary<string, string> { ["purpose"] = purpose, ["channel"] = channel, ["rule"] = Rule };
        if (Evidence is { } evidence)
        {
            details["evidenceSource"] = evidence.Source;
            details["evidenceId"] = evidence.Id;
            if (evidence.Version is { } version)
            {
                details["evidenceVersion"] = version;
            }
        }

        return details;
    }
}
