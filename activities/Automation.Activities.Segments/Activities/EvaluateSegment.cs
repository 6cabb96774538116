using System.Text.Json;
using Automation.Activities.Fhir.Sources;
using Automation.Activities.Segments.Evaluation;
using Automation.Activities.Segments.Language;
using Automation.Activities.Segments.Repository;
using Automation.Engine.Activities;

namespace Automation.Activities.Segments.Activities;

/// <summary>Decides whether a patient is in a segment: a stored segment by id, or inline rules.</summary>
[Activity("Healthcare", "Healthcare", "Decides whether a patient is in a segment (stored by id, or inline rules).", DisplayName = "Evaluate Segment")]
[FlowNode(Matched, NotMatched)]
[RenamedOutcome("In", Matched)] // the outcomes were In/Out, which Studio cannot draw: "In" is every node's input port
[RenamedOutcome("Out", NotMatched)]
public sealed class EvaluateSegment(SegmentRepository repository, IPatientDataSource? source = null) : Activity
{
    /// <summary>The outcome when the patient is in the segment.</summary>
    public const string Matched = "Matched";

    /// <summary>The outcome when the patient is not in the segment.</summary>
    public const string NotMatched = "NotMatched";

    /// <summary>The id of a stored segment (see <c>/api/segments</c>). Set this or <see cref="Rules"/>.</summary>
    [Input(Description = "The id of a stored segment. Set this or Rules.")]
    public Input<string> Segment { get; set; } = new();

    /// <summary>Inline rules (the <c>rules</c> object of a segment document). Set this or <see cref="Segment"/>.</summary>
    [Input(UIHint = UIHints.JsonEditor, Description = "Inline rules, e.g. {\"age\":{\"min\":50}}. Set this or Segment.", DefaultSyntax = "Object")]
    public Input<object> Rules { get; set; } = new();

    /// <summary>The patient: FetchPatient's Patient output, or a patient id to load.</summary>
    [Input(Description = "The patient context (FetchPatient's Patient output) or a patient id.", Required = true)]
    public Input<object> Patient { get; set; } = new();

    /// <summary>When true, <see cref="Explanation"/> is set.</summary>
    [Input(UIHint = UIHints.Checkbox, DefaultValue = false, Description = "Also output which rules held.")]
    public Input<bool> Explain { get; set; } = new();

    /// <summary>Which rules held (paths and true/false, no patient data), when <see cref="Explain"/> is set.</summary>
    [Output(Description = "Which rules held: {segmentId, matched, root:{path, kind, held, children}}.")]
    public Output<object> Explanation { get; set; } = new();

    /// <inheritdoc />
    public override IEnumerable<string> GetValidationProblems()
    {
        var hasId = Segment.TryGetConstant(out var id) && !string.IsNullOrWhiteSpace(id);
        var hasRules = Rules.TryGetConstant(out var rules) && rules is not null;
        if (hasId && hasRules)
        {
            return ["set either Segment or Rules, not both."];
        }

        if (hasId && !repository.Contains(id!))
        {
            return [$"unknown segment '{id}'."];
        }

        if (hasRules)
        {
            try
            {
                repository.Compiler.CompileRules(RulesJson(rules));
            }
            catch (SegmentValidationException exception)
            {
                return exception.Problems.Select(p => $"Rules {p}");
            }
        }

        return [];
    }

    /// <inheritdoc />
    public override async ValueTask ExecuteAsync(ActivityExecutionContext context)
    {
        var segment = await SegmentResolver.ResolveAsync(repository, context.Get(Segment), context.Get(Rules), context).ConfigureAwait(false);
        if (segment is null)
        {
            return;
        }

        var facts = await SegmentResolver.FactsAsync(context.Get(Patient), source, context).ConfigureAwait(false);
        if (facts is null)
        {
            return;
        }

        var clock = SegmentClock.From(context.TimeProvider);
        bool matched;
        if (context.Get(Explain))
        {
            var explanation = segment.Explain(facts, clock);
            context.Set(Explanation, SegmentPatients.ToPlain(explanation));
            matched = explanation.Matched;
        }
        else
        {
            matched = segment.Matches(facts, clock);
        }

        context.Complete(matched ? Matched : NotMatched);
    }

    internal static string RulesJson(object? rules) => rules as string ?? JsonSerializer.Serialize(rules);
}
