using Automation.Activities.SecureSend.Mime;

namespace Automation.Activities.SecureSend;

/// <summary>One message to run through the secure send pipeline.</summary>
/// <param name="MessageKey">The idempotency key (see <see cref="MessageKeys"/>).</param>
/// <param name="Recipient">The recipient address as given.</param>
/// <param name="PatientId">The patient the message is about, if any.</param>
/// <param name="InstanceId">The workflow instance (empty outside a workflow).</param>
/// <param name="DefinitionId">The journey (empty outside a workflow).</param>
/// <param name="Subject">The subject Liquid template.</param>
/// <param name="Html">The HTML Liquid template.</param>
/// <param name="Text">The text Liquid template, if any.</param>
/// <param name="Patient">The patient context (plain JSON view) templates read as <c>Patient</c>.</param>
/// <param name="Purpose">The send purpose (<c>treatment</c>, <c>marketing</c>, ...).</param>
/// <param name="Policy">The policy name (empty: <c>default</c>).</param>
/// <param name="ContainsPhi">The sender's PHI flag; <c>null</c> when not set.</param>
/// <param name="Attachments">Attachments.</param>
public sealed record SendRequest(
    string MessageKey,
    string? Recipient,
    string? PatientId,
    string InstanceId,
    string DefinitionId,
    string Subject,
    string Html,
    string? Text,
    IReadOnlyDictionary<string, object?>? Patient,
    string Purpose,
    string? Policy,
    bool? ContainsPhi,
    IReadOnlyList<MessageAttachment> Attachments);
