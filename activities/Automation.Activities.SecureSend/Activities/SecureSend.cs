using Automation.Activities.SecureSend.Delivery;
using Automation.Activities.SecureSend.Mime;
using Automation.Activities.SecureSend.Sensitivity;
using Automation.Engine.Activities;
using Automation.Engine.Audit;
using Automation.Engine.Expressions;
using Automation.Engine.Outbox;
using Automation.Engine.Security;

namespace Automation.Activities.SecureSend.Activities;

/// <summary>
/// Sends one message to one recipient the way the send policy allows: S/MIME, OpenPGP, the pickup portal or TLS. The
/// Subject, Html and Text inputs are Liquid templates rendered with the patient context as <c>Patient</c>; a body that
/// reads clinical fields makes the message PHI whatever <c>ContainsPhi</c> says. The finished, encrypted MIME is committed
/// to the outbox with this step (<c>Sent</c> means committed for delivery); the decision is audited.
/// </summary>
[Activity("Healthcare", "Healthcare", "Sends a message encrypted as the send policy requires (S/MIME, OpenPGP, portal or TLS).", DisplayName = "Secure Send")]
[FlowNode(SendPreparation.Sent, SendPreparation.Blocked, SendPreparation.Failed)]
public sealed class SecureSend(SecureSender sender, IAuditLog audit, PhiProtector protector) : Activity
{
    /// <summary>The recipient address; defaults to the patient's e-mail.</summary>
    [Input(Description = "The recipient address; defaults to the patient's e-mail.")]
    public Input<string> Recipient { get; set; } = new();

    /// <summary>The patient context (the Patient output of Fetch Patient).</summary>
    [Input(Description = "The patient context (the Patient output of Fetch Patient); templates read it as Patient.", DefaultSyntax = "JavaScript")]
    public Input<object> Patient { get; set; } = new();

    /// <summary>The subject (Liquid). It travels unencrypted, so it may not read PHI fields.</summary>
    [Input(Description = "The subject (Liquid). It travels unencrypted: reading clinical fields is a validation error.", Required = true)]
    public Input<string> Subject { get; set; } = new();

    /// <summary>The HTML body (Liquid).</summary>
    [Input(Description = "The HTML body (Liquid, reads Patient).", Required = true, UIHint = UIHints.MultiLine)]
    public Input<string> Html { get; set; } = new();

    /// <summary>The text body (Liquid).</summary>
    [Input(Description = "The plain-text body (Liquid, reads Patient).", UIHint = UIHints.MultiLine)]
    public Input<string> Text { get; set; } = new();

    /// <summary>The purpose: treatment, reminder, marketing, ...</summary>
    [Input(Description = "The purpose (treatment, reminder, marketing, ...); marketing adds one-click unsubscribe headers.", DefaultValue = "treatment")]
    public Input<string> Purpose { get; set; } = new();

    /// <summary>The send policy name (a file in workflows/policies).</summary>
    [Input(Description = "The send policy (workflows/policies/<name>.json).", DefaultValue = "default")]
    public Input<string> Policy { get; set; } = new();

    /// <summary>Whether the message is PHI. It cannot make a template that reads clinical fields non-PHI.</summary>
    [Input(Description = "Marks the message PHI. False cannot override a template that reads clinical fields.")]
    public Input<bool?> ContainsPhi { get; set; } = new();

    /// <summary>Attachments: a list of { fileName, contentType, contentBase64 }.</summary>
    [Input(Description = "Attachments: [{ fileName, contentType, contentBase64 }].", DefaultSyntax = "JavaScript")]
    public Input<object> Attachments { get; set; } = new();

    /// <summary>The idempotency key (the Message-ID is &lt;key@domain&gt;).</summary>
    [Output(Description = "The idempotency key of the message (Message-ID <key@domain>).")]
    public Output<string> MessageId { get; set; } = new();

    /// <summary>The method chosen (smime, pgp, portal, tls), empty when blocked or failed.</summary>
    [Output(Description = "The delivery method chosen: smime, pgp, portal or tls.")]
    public Output<string> Method { get; set; } = new();

    /// <inheritdoc />
    public override IEnumerable<string> GetValidationProblems()
    {
        if (!Subject.TryGetConstant(out var subject) || string.IsNullOrEmpty(subject))
        {
            yield break;
        }

        IReadOnlyList<string> fields;
        string? error = null;
        try
        {
            fields = PhiTemplateAnalyzer.PhiFieldsRead(subject, "Subject");
        }
        catch (FormatException exception)
        {
            fields = [];
            error = exception.Message;
        }

        if (error is not null)
        {
            yield return error;
        }
        else if (fields.Count > 0)
        {
            yield return $"Subject reads PHI fields of the patient ({string.Join(", ", fields)}); subjects travel unencrypted, move them to the body.";
        }
    }

    /// <inheritdoc />
    public override async ValueTask ExecuteAsync(ActivityExecutionContext context)
    {
        var patient = PlainJson.Normalize(context.Get(Patient)) as IDictionary<string, object?>;
        var patientView = patient is null ? null : new Dictionary<string, object?>(patient, StringComparer.Ordinal);
        var recipient = context.Get(Recipient);
        if (string.IsNullOrWhiteSpace(recipient))
        {
            recipient = patientView?.GetValueOrDefault("email") as string;
        }

        var key = MessageKeys.For(context.WorkflowInstanceId, context.ActivityId, recipient ?? "");
        context.Set(MessageId, key);
        List<MessageAttachment> attachments;
        try
        {
            attachments = ReadAttachments(PlainJson.Normalize(context.Get(Attachments)));
        }
        catch (FormatException exception)
        {
            attachments = [];
            Finish(context, key, new SendPreparation(SendPreparation.Failed, exception.Message, null, null, null, null));
            return;
        }

        var request = new SendRequest(key, recipient, patientView?.GetValueOrDefault("id") as string, context.WorkflowInstanceId, context.DefinitionId,
            context.Get(Subject) ?? "", context.Get(Html) ?? "", context.Get(Text), patientView, context.Get(Purpose) ?? "treatment",
            context.Get(Policy), context.Get(ContainsPhi), attachments);
        var preparation = await sender.PrepareAsync(request, context.CancellationToken).ConfigureAwait(false);
        Finish(context, key, preparation);
    }

    private void Finish(ActivityExecutionContext context, string key, SendPreparation preparation)
    {
        var entries = new List<AuditEntry>();
        var actor = AuditActors.Workflow(context.DefinitionId);
        var details = new Dictionary<string, string> { ["reason"] = preparation.Reason, ["activity"] = context.ActivityId };
        if (preparation.Sensitivity is { } sensitivity)
        {
            details["sensitivity"] = sensitivity.Reason;
        }

        if (preparation.Decision is { } decision)
        {
            entries.Add(new AuditEntry
            {
                Action = AuditActions.PolicyDecision, Actor = actor, Result = decision.Blocked ? "blocked" : "allowed",
                InstanceId = context.WorkflowInstanceId, MessageId = key, PatientHash = preparation.PatientHash,
                Policy = context.Get(Policy) ?? "default", Method = decision.Method, Details = details,
            });
        }

        if (preparation.Outcome == SendPreparation.Sent && preparation.Envelope is { } envelope)
        {
            context.AddOutboxMessage(new OutboxMessage(key, OutboxEnvelope.Topic, envelope.Protect(protector, key)));
            context.Set(Method, envelope.Method);
            entries.Add(new AuditEntry
            {
                Action = AuditActions.MessageQueued, Actor = actor, Result = "queued", InstanceId = context.WorkflowInstanceId,
                MessageId = key, PatientHash = preparation.PatientHash, Method = envelope.Method, Details = details,
            });
        }
        else if (preparation.Outcome == SendPreparation.Failed)
        {
            entries.Add(new AuditEntry
            {
                Action = AuditActions.MessageFailed, Actor = actor, Result = "failed", InstanceId = context.WorkflowInstanceId,
                MessageId = key, PatientHash = preparation.PatientHash, Method = preparation.Decision?.Method, Details = details,
            });
        }

        if (entries.Count > 0)
        {
            // The decision and queued records are durable before the step (and so its outbox message) commits.
            context.CompleteBeforeCommit(audit.AppendAsync(entries, context.CancellationToken));
        }

        context.Complete(preparation.Outcome);
    }

    private static List<MessageAttachment> ReadAttachments(object? value)
    {
        if (value is null)
        {
            return [];
        }

        if (value is not List<object?> list)
        {
            throw new FormatException("Attachments: must be a list of { fileName, contentType, contentBase64 }.");
        }

        var attachments = new List<MessageAttachment>();
        for (var i = 0; i < list.Count; i++)
        {
            if (list[i] is not Dictionary<string, object?> item || item.GetValueOrDefault("fileName") is not string name || item.GetValueOrDefault("contentBase64") is not string content)
            {
                throw new FormatException($"Attachments[{i}]: needs fileName and contentBase64.");
            }

            try
            {
                attachments.Add(new MessageAttachment(name, item.GetValueOrDefault("contentType") as string ?? "application/octet-stream", Convert.FromBase64String(content)));
            }
            catch (FormatException)
            {
                throw new FormatException($"Attachments[{i}]: contentBase64 is not base64.");
            }
        }

        return attachments;
    }
}
