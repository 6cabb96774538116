using System.Text.Json.Nodes;
using Automation.Activities.Consent.Registry;
using Automation.Activities.Fhir.Patients;
using Automation.Activities.Fhir.Sources;
using Automation.Engine.Audience;
using Automation.Engine.Audit;
using Automation.Engine.Definitions;

namespace Automation.Activities.Consent.Audience;

/// <summary>
/// Keeps patients without consent out of an audience before instances exist, when doing so cannot change what the
/// journey does: the entry leads straight (no branch on the way) to a Check Consent with literal purpose and channel
/// whose Denied outcome goes nowhere but an end. Then a denied patient's instance would only have ended there, so it is
/// not created, and the denial is audited exactly as Check Consent audits it (plus <c>stage=audience</c>). Members are
/// screened by their <c>patientId</c> input; members without one (appointment sweeps) enter unscreened and the journey
/// checks them. One record read per batch; the patients' FHIR consents are read several at a time.
/// </summary>
public sealed class ConsentAudienceScreen(ConsentRegistry registry, IPatientDataSource patients, IAuditLog audit, PatientIdHasher hasher) : IAudienceScreen
{
    private const string CheckConsentType = "Healthcare.CheckConsent";
    private static readonly HashSet<string> EndTypes = new(StringComparer.Ordinal) { "Elsa.End", "Elsa.Finish" };

    /// <summary>FHIR consent reads in flight at once.</summary>
    public int Parallelism { get; init; } = 8;

    /// <inheritdoc />
    public async Task<IReadOnlySet<string>> ExcludeAsync(WorkflowDefinition definition, string? entryActivityId, IReadOnlyList<AudienceMember> members, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(definition);
        ArgumentNullException.ThrowIfNull(members);
        var excluded = new HashSet<string>(StringComparer.Ordinal);
        if (ScreeningCheck(definition.Root, entryActivityId) is not { } check)
        {
            return excluded;
        }

        var screened = members
            .Select(m => (Member: m, PatientId: m.Input.TryGetValue("patientId", out var id) && id is string { Length: > 0 } text ? ConsentRegistry.BareId(text) : null))
            .Where(m => m.PatientId is not null)
            .ToList();
        var consents = new IReadOnlyList<ConsentFact>[screened.Count];
        await Parallel.ForAsync(0, screened.Count, new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = cancellationToken }, async (i, token) =>
        {
            consents[i] = await patients.GetConsentsAsync(screened[i].PatientId!, token).ConfigureAwait(false);
        }).ConfigureAwait(false);

        var decisions = await registry.CheckManyAsync(screened.Select((m, i) => (m.PatientId!, consents[i])).ToList(), check.Purpose, check.Channel, cancellationToken).ConfigureAwait(false);
        var denials = new List<AuditEntry>();
        for (var i = 0; i < screened.Count; i++)
        {
            if (decisions[i].Granted)
            {
                continue;
            }

            excluded.Add(screened[i].Member.CorrelationId);
            denials.Add(Denial(definition, check, screened[i].PatientId!, decisions[i]));
        }

        if (denials.Count > 0)
        {
            await audit.AppendAsync(denials, cancellationToken).ConfigureAwait(false);
        }

        return excluded;
    }

    private AuditEntry Denial(WorkflowDefinition definition, (string ActivityId, string Purpose, string Channel) check, string patientId, ConsentDecision decision)
    {
        var details = decision.AuditDetails(check.Purpose, check.Channel);
        details["stage"] = "audience";
        details["activityId"] = check.ActivityId;

        return new AuditEntry
        {
            Action = AuditActions.ConsentCheck,
            Actor = AuditActors.Workflow(definition.DefinitionId),
            Result = "denied",
            PatientHash = hasher.Hash(patientId),
            Details = details,
        };
    }

    /// <summary>The Check Consent every entering instance reaches first and whose denial only ends it, if there is one.</summary>
    internal static (string ActivityId, string Purpose, string Channel)? ScreeningCheck(Flowchart flowchart, string? entryActivityId)
    {
        var byId = flowchart.Activities.ToDictionary(a => a.Id, StringComparer.Ordinal);
        var current = entryActivityId is not null
            ? byId.GetValueOrDefault(entryActivityId)
            : flowchart.Activities.FirstOrDefault(a => a.Type == "Elsa.Start");
        var visited = new HashSet<string>(StringComparer.Ordinal);
        while (current is not null && visited.Add(current.Id))
        {
            if (current.Type == CheckConsentType)
            {
                return Screens(flowchart, byId, current);
            }

            var next = flowchart.Connections.Where(c => c.SourceActivityId == current.Id).ToList();
            if (next.Count != 1)
            {
                return null; // a branch (or the end) before any consent check: screening could change the journey
            }

            current = byId.GetValueOrDefault(next[0].TargetActivityId);
        }

        return null;
    }

    private static (string ActivityId, string Purpose, string Channel)? Screens(Flowchart flowchart, Dictionary<string, ActivityNode> byId, ActivityNode check)
    {
        var deniedLeadsElsewhere = flowchart.Connections
            .Where(c => c.SourceActivityId == check.Id && c.SourcePort == "Denied")
            .Any(c => !byId.TryGetValue(c.TargetActivityId, out var target) || !EndTypes.Contains(target.Type));
        if (deniedLeadsElsewhere || Literal(check, "purpose", ConsentPurposes.Marketing) is not { } purpose || Literal(check, "channel", ConsentChannels.Email) is not { } channel)
        {
            return null;
        }

        return ConsentPurposes.IsValid(purpose) && ConsentChannels.IsValid(channel) ? (check.Id, purpose, channel) : null;
    }

    // The input's literal value, the default when unset, or null when it is an expression only a run can evaluate.
    private static string? Literal(ActivityNode activity, string input, string fallback)
    {
        var entry = activity.GetInput(input);
        if (entry is null)
        {
            return fallback;
        }

        if (entry is JsonObject { } wrapped && wrapped["expression"] is JsonObject expression)
        {
            var type = expression["type"]?.GetValue<string>() ?? "Literal";
            var value = expression["value"];
            return type != "Literal" ? null : value is null ? fallback : value is JsonValue v && v.TryGetValue<string>(out var text) ? (text.Length == 0 ? fallback : text) : null;
        }

        return entry is JsonValue plain && plain.TryGetValue<string>(out var literal) ? literal : null;
    }
}
