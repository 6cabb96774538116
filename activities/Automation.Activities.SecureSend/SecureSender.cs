using Automation.Activities.SecureSend.Delivery;
using Automation.Activities.SecureSend.Recipients;
using Automation.Activities.SecureSend.Mime;
using Automation.Activities.SecureSend.Policies;
using Automation.Activities.SecureSend.Portal;
using Automation.Activities.SecureSend.Sensitivity;
using Automation.Activities.SecureSend.Tracking;
using Automation.Engine.Audit;
using Fluid;

namespace Automation.Activities.SecureSend;

/// <summary>
/// The secure send pipeline shared by the activity and <c>automation send</c>: renders the Liquid templates, decides
/// sensitivity, resolves the recipient, applies the policy, instruments (when tracking is registered), builds and
/// encrypts. It never throws for bad input: render errors, bad addresses and missing keys come back as
/// <c>Failed</c> or <c>Blocked</c> with a reason, and nothing is produced to send.
/// </summary>
public sealed class SecureSender
{
    private const int MaxCachedTemplates = 10_000;
    private static readonly TemplateOptions RenderOptions = new() { MaxSteps = 100_000, MaxRecursion = 32 };
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, (IFluidTemplate Template, IReadOnlyList<string> PhiFields)> Templates = new(StringComparer.Ordinal);
    private readonly RecipientDirectory directory;
    private readonly PolicyLoader policies;
    private readonly SecureMessageBuilder builder;
    private readonly SecureSendOptions options;
    private readonly PatientIdHasher? hasher;
    private readonly IPortalMailbox? portal;
    private readonly IMessageInstrumentation? instrumentation;
    private readonly TimeProvider timeProvider;
    private readonly ITrackingStore? tracking;

    /// <summary>Creates the pipeline.</summary>
    /// <param name="directory">The recipient directory.</param>
    /// <param name="policies">The policies.</param>
    /// <param name="builder">Builds MIME.</param>
    /// <param name="options">Sender settings.</param>
    /// <param name="timeProvider">The clock.</param>
    /// <param name="hasher">Hashes patient ids for audit records; optional outside the server.</param>
    /// <param name="portal">The pickup portal; without it nobody counts as portal-enrolled.</param>
    /// <param name="instrumentation">Engagement tracking; without it messages go out uninstrumented.</param>
    /// <param name="tracking">The tracked messages the marketing frequency cap counts; without it there is no cap.</param>
    public SecureSender(RecipientDirectory directory, PolicyLoader policies, SecureMessageBuilder builder, SecureSendOptions options, TimeProvider timeProvider,
        PatientIdHasher? hasher = null, IPortalMailbox? portal = null, IMessageInstrumentation? instrumentation = null, ITrackingStore? tracking = null)
    {
        this.tracking = tracking;
        this.directory = directory;
        this.policies = policies;
        this.builder = builder;
        this.options = options;
        this.timeProvider = timeProvider;
        this.hasher = hasher;
        this.portal = portal;
        this.instrumentation = instrumentation;
    }

    /// <summary>The policies in use.</summary>
    public PolicyLoader Policies => policies;

    /// <summary>Runs a message through the pipeline.</summary>
    /// <param name="request">The message.</param>
    /// <param name="cancellationToken">Cancels I/O.</param>
    /// <returns>The preparation.</returns>
    public async Task<SendPreparation> PrepareAsync(SendRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var patientHash = hasher is not null && request.PatientId is { Length: > 0 } patientId ? hasher.Hash(patientId) : null;
        SendPreparation Fail(string reason, SensitivityVerdict? verdict = null, PolicyDecision? decision = null) =>
            new(SendPreparation.Failed, reason, verdict, decision, null, patientHash);

        if (!RecipientAddress.TryNormalize(request.Recipient, out var recipient))
        {
            return Fail(string.IsNullOrWhiteSpace(request.Recipient) ? "Recipient: no recipient address (and the patient has no e-mail)" : "Recipient: the address does not parse");
        }

        (IFluidTemplate Template, IReadOnlyList<string> PhiFields) subjectTemplate, htmlTemplate;
        (IFluidTemplate Template, IReadOnlyList<string> PhiFields)? textTemplate;
        try
        {
            subjectTemplate = Analyze(request.Subject ?? "", "Subject");
            htmlTemplate = Analyze(request.Html ?? "", "Html");
            textTemplate = request.Text is { Length: > 0 } text ? Analyze(text, "Text") : null;
        }
        catch (FormatException exception)
        {
            return Fail(exception.Message);
        }

        if (subjectTemplate.PhiFields.Count > 0)
        {
            return Fail($"Subject: reads PHI fields ({string.Join(",", subjectTemplate.PhiFields)}); subjects travel unencrypted");
        }

        var fields = htmlTemplate.PhiFields.Concat(textTemplate?.PhiFields ?? [])
            .Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        var verdict = SensitivityVerdict.Of(fields, request.ContainsPhi);

        string subject, html;
        string? textBody;
        try
        {
            subject = Render(subjectTemplate.Template, request.Patient, "Subject").ReplaceLineEndings(" ").Trim();
            html = Render(htmlTemplate.Template, request.Patient, "Html");
            textBody = textTemplate is null ? null : Render(textTemplate.Value.Template, request.Patient, "Text");
        }
        catch (FormatException exception)
        {
            return Fail(exception.Message, verdict);
        }

        SecureSendPolicy policy;
        try
        {
            policy = policies.Get(request.Policy);
        }
        catch (Exception exception) when (exception is PolicyValidationException or FileNotFoundException or IOException)
        {
            return Fail("Policy: " + exception.Message, verdict);
        }

        var resolved = await directory.ResolveAsync(recipient, cancellationToken).ConfigureAwait(false);
        var capabilities = portal is null ? resolved.Capabilities with { PortalEnrolled = false } : resolved.Capabilities;
        var decision = PolicyEngine.Decide(policy, verdict.IsPhi, request.Purpose ?? "", capabilities);
        if (decision.Blocked)
        {
            return new SendPreparation(SendPreparation.Blocked, decision.Reason, verdict, decision, null, patientHash);
        }

        var isMarketing = string.Equals(request.Purpose, "marketing", StringComparison.OrdinalIgnoreCase);
        if (isMarketing && await OverFrequencyCapAsync(request, cancellationToken).ConfigureAwait(false) is { } capped)
        {
            return new SendPreparation(SendPreparation.Blocked, capped.Reason, verdict, capped, null, patientHash);
        }

        Uri? unsubscribe = null;
        if (instrumentation is not null)
        {
            var instrumented = await instrumentation.InstrumentAsync(
                new TrackedMessage(request.MessageKey, request.PatientId ?? "", request.InstanceId, request.DefinitionId, request.Purpose ?? "", isMarketing, html, textBody),
                cancellationToken).ConfigureAwait(false);
            (html, textBody, unsubscribe) = (instrumented.Html, instrumented.Text, instrumented.UnsubscribeUrl);
        }

        var message = new OutgoingMessage(request.MessageKey, options.From, recipient, subject, html, textBody, request.Attachments, isMarketing ? unsubscribe : null);
        Uri? pickup = null;
        if (decision.Method == DeliveryMethod.Portal)
        {
            var deposit = await portal!.DepositAsync(new PortalMessage(request.MessageKey, request.PatientId ?? "", request.InstanceId, recipient, subject, html, textBody,
                timeProvider.GetUtcNow() + options.PortalExpiry), cancellationToken).ConfigureAwait(false);
            pickup = deposit.PickupUrl;
        }

        byte[] mime;
        try
        {
            mime = builder.Build(decision.Method!, message, resolved.Smime, resolved.PgpKey, pickup);
        }
        catch (Exception exception) when (exception is InvalidOperationException or FormatException or ArgumentException or Org.BouncyCastle.Crypto.CryptoException or Org.BouncyCastle.Bcpg.OpenPgp.PgpException or System.Security.Cryptography.CryptographicException)
        {
            return Fail($"{decision.Method}: the message could not be built ({exception.GetType().Name})", verdict, decision);
        }

        var envelope = new OutboxEnvelope(options.From, recipient, decision.Method!, decision.RequireTls, patientHash, mime);
        return new SendPreparation(SendPreparation.Sent, decision.Reason, verdict, decision, envelope, patientHash);
    }

    private async Task<PolicyDecision?> OverFrequencyCapAsync(SendRequest request, CancellationToken cancellationToken)
    {
        var cap = options.MarketingCap;
        if (tracking is null || !cap.Enabled || request.PatientId is not { Length: > 0 } patientId)
        {
            return null;
        }

        // Counts what earlier sends recorded (instrumentation saves each tracked message when it is queued), across journeys.
        var since = timeProvider.GetUtcNow() - cap.Window;
        var sent = await tracking.CountMessagesAsync(patientId, "marketing", since, request.MessageKey, cancellationToken).ConfigureAwait(false);
        return sent >= cap.Max
            ? new PolicyDecision(null, false, $"frequency cap: {sent} marketing messages within {cap.Window} (max {cap.Max})")
            : null;
    }

    private static (IFluidTemplate Template, IReadOnlyList<string> PhiFields) Analyze(string source, string field)
    {
        // Journeys send the same templates many times: parse and analyse each once.
        if (Templates.TryGetValue(source, out var cached))
        {
            return cached;
        }

        var template = PhiTemplateAnalyzer.Parse(source, field);
        var analyzed = (template, PhiTemplateAnalyzer.PhiFieldsRead(template));
        if (Templates.Count >= MaxCachedTemplates)
        {
            Templates.Clear(); // generated templates must not grow the cache without bound
        }

        Templates.TryAdd(source, analyzed);
        return analyzed;
    }

    private static string Render(IFluidTemplate template, IReadOnlyDictionary<string, object?>? patient, string field)
    {
        var context = new TemplateContext(RenderOptions);
        if (patient is not null)
        {
            var model = patient.ToDictionary(pair => pair.Key, pair => pair.Value, StringComparer.Ordinal);
            context.SetValue("Patient", model);
            context.SetValue("patient", model);
        }

        try
        {
            return template.Render(context);
        }
        catch (Exception exception) when (exception is InvalidOperationException or ParseException or ArgumentException or FormatException)
        {
            throw new FormatException($"{field}: Liquid failed to render ({exception.GetType().Name})", exception);
        }
    }
}
