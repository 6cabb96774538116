using Automation.Activities.SecureSend.Delivery;
using Automation.Activities.SecureSend.Policies;
using Automation.Activities.SecureSend.Sensitivity;

namespace Automation.Activities.SecureSend;

/// <summary>What the pipeline made of a message before delivery.</summary>
/// <param name="Outcome"><c>Sent</c> (ready to queue), <c>Blocked</c> or <c>Failed</c>.</param>
/// <param name="Reason">Why (free of PHI).</param>
/// <param name="Sensitivity">The PHI verdict, when templates were read.</param>
/// <param name="Decision">The policy decision, when one was made.</param>
/// <param name="Envelope">The finished message, when <see cref="Outcome"/> is <c>Sent</c>.</param>
/// <param name="PatientHash">The hashed patient id, when a patient was given.</param>
public sealed record SendPreparation(string Outcome, string Reason, SensitivityVerdict? Sensitivity, PolicyDecision? Decision, OutboxEnvelope? Envelope, string? PatientHash)
{
    /// <summary>The outcome of a message ready for delivery.</summary>
    public const string Sent = "Sent";

    /// <summary>The outcome of a message the policy refused.</summary>
    public const string Blocked = "Blocked";

    /// <summary>The outcome of a message that could not be built.</summary>
    public const string Failed = "Failed";
}
