using Automation.Activities.Fhir.Sources;
using Automation.Activities.Segments.Evaluation;
using Automation.Engine.Activities;
using Automation.Activities.Segments.Repository;

namespace Automation.Activities.Segments.Activities;

/// <summary>Routes a patient by the first of several segments they are in; each segment id is an outcome, plus <c>None</c>.</summary>
[Activity("Healthcare", "Healthcare", "Follows the first segment (in order) the patient is in, or None.", DisplayName = "Choose Segment")]
[FlowNode(NoneOutcome)]
public sealed class ChooseSegment(SegmentRepository repository, IPatientDataSource? source = null) : Activity
{
    /// <summary>The outcome when the patient is in none of the segments.</summary>
    public const string NoneOutcome = "None";

    /// <summary>Segment ids in priority order; each becomes an outcome.</summary>
    [Input(UIHint = UIHints.DynamicOutcomes, Description = "Segment ids in priority order; each becomes an outcome.", DefaultSyntax = "Object", Required = true)]
    public Input<List<string>> Segments { get; set; } = new();

    /// <summary>The patient: FetchPatient's Patient output, or a patient id to load.</summary>
    [Input(Description = "The patient context (FetchPatient's Patient output) or a patient id.", Required = true)]
    public Input<object> Patient { get; set; } = new();

    /// <summary>The segment the patient was routed by, or null for None.</summary>
    [Output(Description = "The id of the first matching segment, or null.")]
    public Output<string> Chosen { get; set; } = new();

    /// <inheritdoc />
    public override IEnumerable<string> GetDynamicOutcomes() =>
        Segments.TryGetConstant(out var ids) && ids is not null ? ids : [];

    /// <inheritdoc />
    public override IEnumerable<string> GetValidationProblems()
    {
        if (!Segments.TryGetConstant(out var ids) || ids is null)
        {
            return [];
        }

        var problems = ids.Where(id => !repository.Contains(id)).Select(id => $"unknown segment '{id}'.").ToList();
        problems.AddRange(ids.GroupBy(id => id, StringComparer.Ordinal).Where(g => g.Count() > 1).Select(g => $"segment '{g.Key}' is listed more than once."));
        if (ids.Contains(NoneOutcome, StringComparer.Ordinal))
        {
            problems.Add($"'{NoneOutcome}' is the outcome for no match and cannot be a segment id.");
        }

        return problems;
    }

    /// <inheritdoc />
    public override async ValueTask ExecuteAsync(ActivityExecutionContext context)
    {
        var ids = context.Get(Segments) ?? [];
        var facts = await SegmentResolver.FactsAsync(context.Get(Patient), source, context).ConfigureAwait(false);
        if (facts is null)
        {
            return;
        }

        var clock = SegmentClock.From(context.TimeProvider);
        foreach (var id in ids)
        {
            var segment = await SegmentResolver.ResolveAsync(repository, id, null, context).ConfigureAwait(false);
            if (segment is null)
            {
                return;
            }

            if (segment.Matches(facts, clock))
            {
                context.Set(Chosen, id);
                context.Complete(id);
                return;
            }
        }

        context.Set(Chosen, null);
        context.Complete(NoneOutcome);
    }
}
