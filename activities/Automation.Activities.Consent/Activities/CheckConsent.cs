using Automation.Activities.Consent.Registry;
using Automation.Activities.Fhir.Patients;
using Automation.Activities.Fhir.Sources;
using Automation.Engine.Activities;
using Automation.Engine.Audit;

namespace Automation.Activities.Consent.Activities;

/// <summary>
/// Checks whether the patient may be contacted for a purpose on a channel (fail closed, see
/// <see cref="ConsentEvaluator"/>) and audits the check with the evidence used, never PHI. Opt-out records are read
/// fresh, so a journey sees an unsubscribe at its next check.
/// </summary>
[Activity("Healthcare", "Healthcare", "Checks the patient's consent for a purpose and channel; audited with the evidence used.", DisplayName = "Check Consent")]
[FlowNode("Granted", "Denied")]
public sealed class CheckConsent(ConsentRegistry registry, IPatientDataSource patients, IAuditLog audit, PatientIdHasher hasher) : Activity
{
    /// <summary>The patient context from Fetch Patient (its consents are used as they were fetched).</summary>
    [Input(Description = "The patient context from Fetch Patient (e.g. outputs.fetch.Patient). Either this or Patient Id.", DefaultSyntax = "JavaScript")]
    public Input<object> Patient { get; set; } = new();

    /// <summary>The patient id, when no context is given: the patient's FHIR consents are read from the patient data source.</summary>
    [Input(Description = "The patient id or reference, when no Patient context is given.")]
    public Input<string> PatientId { get; set; } = new();

    /// <summary>The purpose: marketing, or treatment (appointment and treatment reminders).</summary>
    [Input(Description = "marketing (FHIR HMARKT) or treatment (TREAT: appointment and treatment reminders).", Options = ["marketing", "treatment"], DefaultValue = "marketing")]
    public Input<string> Purpose { get; set; } = new();

    /// <summary>The channel.</summary>
    [Input(Description = "The channel the message would use.", Options = ["email", "sms"], DefaultValue = "email")]
    public Input<string> Channel { get; set; } = new();

    /// <summary>The evidence: <c>{granted, rule, source, id, version, purpose, channel}</c>.</summary>
    [Output(Description = "The decision's evidence: {granted, rule, source (fhir-consent|record), id, version, purpose, channel}.")]
    public Output<object> Evidence { get; set; } = new();

    /// <inheritdoc />
    public override async ValueTask ExecuteAsync(ActivityExecutionContext context)
    {
        var purpose = context.Get(Purpose) is { Length: > 0 } p ? p : ConsentPurposes.Marketing;
        var channel = context.Get(Channel) is { Length: > 0 } c ? c : ConsentChannels.Email;
        if (!ConsentPurposes.IsValid(purpose) || !ConsentChannels.IsValid(channel))
        {
            context.Fault("Check Consent: Purpose must be a lower-case token such as 'marketing' or 'treatment', and Channel 'email' or 'sms'.");
            return;
        }

        string patientId;
        IReadOnlyList<ConsentFact> consents;
        if (!PlainConsentFacts.TryRead(context.Get(Patient), out patientId, out consents))
        {
            if (context.Get(PatientId) is not { Length: > 0 } id)
            {
                context.Fault("Check Consent needs the Patient context or a Patient Id.");
                return;
            }

            patientId = ConsentRegistry.BareId(id);
            try
            {
                // An unknown patient has no consents: the check fails closed rather than faulting the journey.
                consents = (await patients.GetPatientContextAsync(patientId, context.CancellationToken).ConfigureAwait(false))?.Consents ?? [];
            }
            catch (FhirSourceException exception)
            {
                context.Fault(exception.Message);
                return;
            }
        }

        var decision = await registry.CheckAsync(patientId, consents, purpose, channel, context.CancellationToken).ConfigureAwait(false);
        var details = decision.AuditDetails(purpose, channel);

        // Durable before the step commits; the journey need not wait for it meanwhile.
        context.CompleteBeforeCommit(audit.AppendAsync(new AuditEntry
        {
            Action = AuditActions.ConsentCheck,
            Actor = AuditActors.Workflow(context.DefinitionId),
            Result = decision.Granted ? "granted" : "denied",
            InstanceId = context.WorkflowInstanceId,
            PatientHash = hasher.Hash(patientId),
            Details = details,
        }, context.CancellationToken));

        context.Set(Evidence, new Dictionary<string, object?>
        {
            ["granted"] = decision.Granted, ["rule"] = decision.Rule, ["source"] = decision.Evidence?.Source, ["id"] = decision.Evidence?.Id,
            ["version"] = decision.Evidence?.Version, ["purpose"] = purpose, ["channel"] = channel,
        });
        context.Complete(decision.Outcome);
    }
}
