using System.Security.Cryptography;
using System.Text;
using Automation.Engine.Execution;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Automation.Activities.SecureSend.Tracking;

/// <summary>
/// Records engagement events for tracked messages (classified human or automated, the user agent hashed) and resumes
/// journeys waiting in <see cref="WaitForEngagement"/> on human opens and clicks, by message id through the bookmark
/// index.
/// </summary>
public sealed partial class EngagementRecorder
{
    private readonly ITrackingStore store;
    private readonly EngagementClassifier classifier;
    private readonly WorkflowRuntime runtime;
    private readonly ILogger logger;

    /// <summary>Creates the recorder.</summary>
    /// <param name="store">The tracking store.</param>
    /// <param name="classifier">Tells machines from people.</param>
    /// <param name="runtime">Resumes waiting journeys.</param>
    /// <param name="logger">Logs ids only.</param>
    public EngagementRecorder(ITrackingStore store, EngagementClassifier classifier, WorkflowRuntime runtime, ILogger<EngagementRecorder>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(classifier);
        ArgumentNullException.ThrowIfNull(runtime);
        this.store = store;
        this.classifier = classifier;
        this.runtime = runtime;
        this.logger = logger ?? NullLogger<EngagementRecorder>.Instance;
    }

    /// <summary>Records one engagement and, when human, resumes the journeys waiting for it.</summary>
    /// <param name="request">What the endpoint saw.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The stored event, or <c>null</c> when the message is unknown (nothing is stored).</returns>
    /// <exception cref="ArgumentException">The type is not an engagement type.</exception>
    public async Task<EngagementEvent?> RecordAsync(EngagementRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!EngagementTypes.IsValid(request.Type))
        {
            throw new ArgumentException("The engagement type must be open, click, unsubscribe, portal_login or form_completed.", nameof(request));
        }

        var message = await store.GetMessageAsync(request.MessageId, cancellationToken).ConfigureAwait(false);
        if (message is null)
        {
            return null;
        }

        var classification = classifier.Classify(request, message.SentAt);
        var engagement = new EngagementEvent
        {
            EventId = "ev-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12)),
            MessageId = message.MessageId,
            PatientId = message.PatientId,
            Type = request.Type,
            At = request.At,
            Automated = classification.Automated,
            Reason = classification.Reason,
            UserAgentHash = string.IsNullOrEmpty(request.UserAgent) ? null : Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(request.UserAgent))[..16]),
        };
        await store.AddEventAsync(engagement, cancellationToken).ConfigureAwait(false);
        LogRecorded(message.MessageId, request.Type, classification.Reason ?? "human");

        if (!classification.Automated && request.Type is EngagementTypes.Open or EngagementTypes.Click)
        {
            var input = new Dictionary<string, object?> { ["type"] = request.Type, ["at"] = request.At.ToString("O", System.Globalization.CultureInfo.InvariantCulture) };
            await runtime.ResumeWaitingAsync(WaitForEngagement.TypeName, new EngagementPayload(message.MessageId, request.Type), null, input, cancellationToken).ConfigureAwait(false);
        }

        return engagement;
    }

    [LoggerMessage(EventId = 4101, Level = LogLevel.Debug, Message = "Engagement {Type} on message {MessageId} recorded as {Classification}")]
    private partial void LogRecorded(string messageId, string type, string classification);
}
