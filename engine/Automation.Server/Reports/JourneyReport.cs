namespace Automation.Server.Reports;

/// <summary>A journey's report: the marketing funnel, the per-step funnel, the encryption-method mix and
/// deliverability by recipient domain. Counts only; nothing in it identifies a patient.</summary>
/// <param name="DefinitionId">The journey.</param>
/// <param name="Name">Its display name.</param>
/// <param name="Funnel">The funnel stages in order.</param>
/// <param name="Steps">Per activity: reached and per outcome.</param>
/// <param name="Methods">Messages per encryption method.</param>
/// <param name="Domains">Per recipient domain: sent, delivered, bounced.</param>
internal sealed record JourneyReport(
    string DefinitionId,
    string? Name,
    IReadOnlyList<FunnelStage> Funnel,
    IReadOnlyList<StepRow> Steps,
    IReadOnlyDictionary<string, long> Methods,
    IReadOnlyList<DomainRow> Domains);

/// <summary>One funnel stage.</summary>
/// <param name="Stage">entered, consent denied, blocked, sent, delivered, opened (human), clicked, goal reached, exited.</param>
/// <param name="Count">Instances or messages at that stage.</param>
internal sealed record FunnelStage(string Stage, long Count);

/// <summary>One activity of the journey.</summary>
/// <param name="ActivityId">The activity id.</param>
/// <param name="ActivityType">The activity type.</param>
/// <param name="Reached">Instances that reached it.</param>
/// <param name="Outcomes">Instances per outcome it completed with.</param>
internal sealed record StepRow(string ActivityId, string ActivityType, long Reached, IReadOnlyDictionary<string, long> Outcomes);

/// <summary>Deliverability for one recipient domain.</summary>
/// <param name="Domain">The domain (not an address).</param>
/// <param name="Sent">Messages queued.</param>
/// <param name="Delivered">Acknowledged by the SMTP server.</param>
/// <param name="Bounced">Refused permanently.</param>
internal sealed record DomainRow(string Domain, long Sent, long Delivered, long Bounced);
