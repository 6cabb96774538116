namespace Automation.Activities.Consent.Registry;

/// <summary>The answer to a consent check.</summary>
/// <param name="Granted">Whether the communication may go ahead.</param>
/// <param name="Rule">The rule that decided, one of <see cref="ConsentRules"/>.</param>
/// <param name="Evidence">The consent or record it rests on; <c>null</c> when nothing applied (fail closed).</param>
public sealed record ConsentDecision(bool Granted, string Rule, ConsentEvidence? Evidence)
{
    /// <summary><c>Granted</c> or <c>Denied</c>.</summary>
    public string Outcome => Granted ? "Granted" : "Denied";
}
