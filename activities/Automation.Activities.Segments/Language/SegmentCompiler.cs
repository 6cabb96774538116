using System.Text.Json;
using System.Text.RegularExpressions;
using Automation.Activities.Segments.Evaluation;
using Automation.Activities.Segments.Facts;

namespace Automation.Activities.Segments.Language;

/// <summary>
/// Compiles segment documents (JSON, see README "Segments") into <see cref="CompiledSegment"/>s: a tree of typed
/// predicates over <see cref="PatientFacts"/>, built once. Validation reports every problem with its JSON path:
/// unknown rule or property, wrong value type, unknown code system, malformed code, unknown referenced segment and
/// reference cycles. Referenced segments are looked up by id and compiled in place.
/// </summary>
public sealed partial class SegmentCompiler
{
    private static readonly string[] DocumentProperties = ["$schema", "id", "name", "description", "tags", "rules"];
    private readonly Func<string, string?> lookup;

    /// <summary>Creates a compiler.</summary>
    /// <param name="lookup">Returns the JSON document of a segment by id (for <c>segment</c> references), or <c>null</c>
    /// when there is none. Defaults to "no segments".</param>
    public SegmentCompiler(Func<string, string?>? lookup = null)
    {
        this.lookup = lookup ?? (_ => null);
    }

    /// <summary>The known rule names.</summary>
    public static IReadOnlyList<string> RuleNames { get; } =
    [
        "all", "any", "not", "segment",
        "age", "gender", "zip", "state", "language", "coverage",
        "condition", "medication", "lab", "encounter", "inpatientStay", "immunizationDue",
        "engagement", "lastEngagement", "noShows", "attendanceRate",
        "stage",
    ];

    /// <summary>Compiles a segment document.</summary>
    /// <param name="json">The document.</param>
    /// <param name="expectedId">When set, the document's <c>id</c> must equal it.</param>
    /// <returns>The compiled segment.</returns>
    /// <exception cref="SegmentValidationException">The document is invalid (every problem listed with its path).</exception>
    public CompiledSegment Compile(string json, string? expectedId = null)
    {
        var session = new Session(this);
        var segment = session.CompileDocument(json, expectedId, "");
        if (session.Problems.Count > 0 || segment is null)
        {
            throw new SegmentValidationException(session.Problems.Count > 0 ? session.Problems : [new SegmentProblem("$", "the segment is invalid.")]);
        }

        return segment;
    }

    /// <summary>Lists every problem in a segment document.</summary>
    /// <param name="json">The document.</param>
    /// <param name="expectedId">When set, the document's <c>id</c> must equal it.</param>
    /// <returns>The problems; empty when it compiles.</returns>
    public IReadOnlyList<SegmentProblem> Validate(string json, string? expectedId = null)
    {
        var session = new Session(this);
        session.CompileDocument(json, expectedId, "");
        return session.Problems;
    }

    /// <summary>Compiles inline rules (the <c>rules</c> object alone, as an activity may carry).</summary>
    /// <param name="rulesJson">The rules object.</param>
    /// <param name="id">The id the compiled segment reports.</param>
    /// <returns>The compiled segment.</returns>
    /// <exception cref="SegmentValidationException">The rules are invalid.</exception>
    public CompiledSegment CompileRules(string rulesJson, string id = "inline")
    {
        ArgumentNullException.ThrowIfNull(rulesJson);
        var session = new Session(this);
        Rule? rule = null;
        try
        {
            using var document = JsonDocument.Parse(rulesJson);
            rule = session.CompileRule(document.RootElement, "$.rules");
        }
        catch (JsonException exception)
        {
            session.Problems.Add(new SegmentProblem("$", "the rules are not valid JSON: " + exception.Message));
        }

        if (session.Problems.Count > 0 || rule is null)
        {
            throw new SegmentValidationException(session.Problems);
        }

        return new CompiledSegment(id, null, null, rule, session.References);
    }

    /// <summary>Whether a text is a valid segment id: 1-100 characters, lower-case letters, digits, '.', '_' and '-',
    /// starting with a letter or digit (so an id is also a safe file name).</summary>
    /// <param name="id">The text.</param>
    /// <returns><c>true</c> when valid.</returns>
    public static bool IsValidId(string? id) => id is not null && IdPattern().IsMatch(id) && !id.Contains("..", StringComparison.Ordinal);

    [GeneratedRegex("^[a-z0-9][a-z0-9._-]{0,99}$")]
    internal static partial Regex IdPattern();

    [GeneratedRegex(@"^[A-Z][0-9][0-9A-Z](\.[0-9A-Z]{1,4})?$|^[A-Z][0-9]{0,2}(\.?[0-9A-Z]{0,4})?\*$")]
    private static partial Regex Icd10CmPattern();

    [GeneratedRegex(@"^[0-9]{6,18}$|^[0-9]{1,17}\*$")]
    private static partial Regex SnomedPattern();

    [GeneratedRegex(@"^[0-9]{1,7}$|^[0-9]{1,6}\*$")]
    private static partial Regex RxNormPattern();

    [GeneratedRegex(@"^[0-9]{1,3}$|^[0-9]{1,2}\*$")]
    private static partial Regex CvxPattern();

    [GeneratedRegex(@"^[0-9]{1,7}-[0-9]$")]
    private static partial Regex LoincPattern();

    [GeneratedRegex(@"^[0-9]{5}$|^[0-9]{1,4}\*$")]
    private static partial Regex ZipPattern();

    /// <summary>One compilation: problems, the reference stack (cycle detection) and referenced segments compiled so far.</summary>
    private sealed class Session(SegmentCompiler owner)
    {
        private readonly List<string> stack = [];
        private readonly Dictionary<string, Rule?> compiledReferences = new(StringComparer.Ordinal);

        public List<SegmentProblem> Problems { get; } = [];

        public HashSet<string> References { get; } = new(StringComparer.Ordinal);

        /// <summary>Compiles a document; <paramref name="prefix"/> marks paths inside a referenced segment.</summary>
        public CompiledSegment? CompileDocument(string json, string? expectedId, string prefix)
        {
            JsonDocument document;
            try
            {
                document = JsonDocument.Parse(json ?? "");
            }
            catch (JsonException exception)
            {
                Problems.Add(new SegmentProblem(prefix + "$", "the segment is not valid JSON: " + exception.Message));
                return null;
            }

            using (document)
            {
                var root = document.RootElement;
                if (root.ValueKind != JsonValueKind.Object)
                {
                    Problems.Add(new SegmentProblem(prefix + "$", $"a segment is a JSON object, not {Describe(root)}."));
                    return null;
                }

                foreach (var property in root.EnumerateObject())
                {
                    if (!DocumentProperties.Contains(property.Name, StringComparer.Ordinal))
                    {
                        Problems.Add(new SegmentProblem(prefix + "$." + property.Name, $"unknown property '{property.Name}' (expected {string.Join(", ", DocumentProperties)})."));
                    }
                }

                var id = RequiredString(root, "id", prefix + "$");
                if (id is not null && !IdPattern().IsMatch(id))
                {
                    Problems.Add(new SegmentProblem(prefix + "$.id", "an id is 1-100 characters: lower-case letters, digits, '.', '_' and '-', starting with a letter or digit."));
                }

                if (expectedId is not null && id is not null && id != expectedId)
                {
                    Problems.Add(new SegmentProblem(prefix + "$.id", $"the document's id '{id}' differs from '{expectedId}'."));
                }

                var name = OptionalString(root, "name", prefix + "$");
                var description = OptionalString(root, "description", prefix + "$");
                if (!root.TryGetProperty("rules", out var rules))
                {
                    Problems.Add(new SegmentProblem(prefix + "$", "the segment has no 'rules'."));
                    return null;
                }

                if (id is not null)
                {
                    stack.Add(id);
                }

                var rule = CompileRule(rules, prefix + "$.rules");
                if (id is not null)
                {
                    stack.RemoveAt(stack.Count - 1);
                }

                return rule is null || id is null ? null : new CompiledSegment(id, name, description, rule, References);
            }
        }

        public Rule? CompileRule(JsonElement element, string path)
        {
            if (element.ValueKind != JsonValueKind.Object)
            {
                Problems.Add(new SegmentProblem(path, $"a rule is an object with one property ({string.Join(", ", RuleNames)}), not {Describe(element)}."));
                return null;
            }

            var properties = element.EnumerateObject().ToList();
            if (properties.Count != 1)
            {
                Problems.Add(new SegmentProblem(path, $"a rule has exactly one property (one of {string.Join(", ", RuleNames)}); this one has {properties.Count}. Combine rules with 'all' or 'any'."));
                return null;
            }

            var (name, value) = (properties[0].Name, properties[0].Value);
            var at = path + "." + name;
            return name switch
            {
                "all" or "any" => Composite(name, value, path, at),
                "not" => CompileRule(value, at) is { } child ? new NotRule(path, child) : null,
                "segment" => Reference(value, path, at),
                "age" => Age(value, path, at),
                "gender" => Gender(value, path, at),
                "zip" => Zip(value, path, at),
                "state" => Strings(value, at, s => s.Length == 2 && s.All(char.IsAsciiLetterUpper), "a two-letter upper-case state code such as 'IL'") is { } states
                    ? new StringInRule(path, "state", [.. states.Select(string.Intern)], f => f.State) : null,
                "language" => Strings(value, at, s => s.Length is >= 2 and <= 12 && s.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-'), "a lower-case BCP-47 code such as 'es'") is { } languages
                    ? new StringInRule(path, "language", [.. languages.Select(string.Intern)], f => f.Language) : null,
                "coverage" => Coverage(value, path, at),
                "condition" => Condition(value, path, at),
                "medication" => Medication(value, path, at),
                "lab" => Lab(value, path, at),
                "encounter" => Encounter(value, path, at),
                "inpatientStay" => InpatientStay(value, path, at),
                "immunizationDue" => ImmunizationDue(value, path, at),
                "engagement" => Engagement(value, path, at),
                "lastEngagement" => LastEngagement(value, path, at),
                "noShows" => NoShows(value, path, at),
                "attendanceRate" => AttendanceRate(value, path, at),
                "stage" => Stage(value, path, at),
                _ => Unknown(name, at),
            };
        }

        private Rule? Unknown(string name, string at)
        {
            Problems.Add(new SegmentProblem(at, $"unknown predicate '{name}' (known: {string.Join(", ", RuleNames)})."));
            return null;
        }

        private Rule? Composite(string kind, JsonElement value, string path, string at)
        {
            if (value.ValueKind != JsonValueKind.Array || value.GetArrayLength() == 0)
            {
                Problems.Add(new SegmentProblem(at, $"'{kind}' takes a non-empty array of rules, not {Describe(value)}."));
                return null;
            }

            var children = new List<Rule>();
            var index = 0;
            var failed = false;
            foreach (var item in value.EnumerateArray())
            {
                var child = CompileRule(item, $"{at}[{index++}]");
                failed |= child is null;
                if (child is not null)
                {
                    children.Add(child);
                }
            }

            return failed ? null : kind == "all" ? new AllRule(path, [.. children]) : new AnyRule(path, [.. children]);
        }

        private Rule? Reference(JsonElement value, string path, string at)
        {
            if (value.ValueKind != JsonValueKind.String || value.GetString() is not { Length: > 0 } id)
            {
                Problems.Add(new SegmentProblem(at, $"'segment' takes a segment id (a string), not {Describe(value)}."));
                return null;
            }

            return ReferenceTo(id, path, at);
        }

        private Rule? ReferenceTo(string id, string path, string at)
        {
            if (stack.Contains(id, StringComparer.Ordinal))
            {
                Problems.Add(new SegmentProblem(at, $"reference cycle: {string.Join(" -> ", stack.SkipWhile(s => s != id))} -> {id}."));
                return null;
            }

            if (!compiledReferences.TryGetValue(id, out var target))
            {
                var json = owner.lookup(id);
                if (json is null)
                {
                    Problems.Add(new SegmentProblem(at, $"unknown segment '{id}'."));
                    return null;
                }

                References.Add(id);
                var before = Problems.Count;
                var compiled = CompileDocument(json, id, id + ":");
                target = compiled?.Root;
                if (target is null && Problems.Count == before)
                {
                    Problems.Add(new SegmentProblem(at, $"the referenced segment '{id}' is invalid."));
                }

                compiledReferences[id] = target;
            }

            return target is null ? null : new SegmentReferenceRule(path, id, target);
        }

        private Rule? Age(JsonElement value, string path, string at)
        {
            if (!Fields(value, at, ["min", "max"]))
            {
                return null;
            }

            var min = OptionalInt(value, "min", at, 0, 150);
            var max = OptionalInt(value, "max", at, 0, 150);
            if (HasProblemAt(at))
            {
                return null;
            }

            if (min is null && max is null)
            {
                Problems.Add(new SegmentProblem(at, "'age' needs 'min', 'max' or both (whole years, inclusive)."));
                return null;
            }

            if (min > max)
            {
                Problems.Add(new SegmentProblem(at + ".min", $"'min' ({min}) is above 'max' ({max})."));
                return null;
            }

            return new AgeRule(path, min, max);
        }

        private Rule? Gender(JsonElement value, string path, string at)
        {
            var values = Strings(value, at, s => s is "male" or "female" or "other" or "unknown", "one of male, female, other, unknown", allowSingle: true);
            return values is null ? null : new GenderRule(path, [.. values.Select(FactCodes.Gender)]);
        }

        private Rule? Zip(JsonElement value, string path, string at)
        {
            var values = Strings(value, at, s => ZipPattern().IsMatch(s), "a five-digit ZIP such as '60625' or a prefix such as '606*'");
            if (values is null)
            {
                return null;
            }

            var exact = values.Where(v => !v.EndsWith('*')).Select(v => FactCodes.Zip(v)).ToArray();
            var prefixes = values.Where(v => v.EndsWith('*')).Select(v => (int.Parse(v[..^1], System.Globalization.CultureInfo.InvariantCulture), (int)Math.Pow(10, 5 - (v.Length - 1)))).ToArray();
            return new ZipRule(path, exact, prefixes);
        }

        private Rule? Coverage(JsonElement value, string path, string at)
        {
            var values = Strings(value, at, s => s is "commercial" or "medicare" or "medicaid" or "self-pay", "one of commercial, medicare, medicaid, self-pay", allowSingle: true);
            return values is null ? null : new CoverageRule(path, [.. values.Select(FactCodes.Coverage)]);
        }

        private Rule? Condition(JsonElement value, string path, string at)
        {
            if (!Fields(value, at, ["system", "codes", "status", "onsetWithinDays"]))
            {
                return null;
            }

            var systemName = RequiredString(value, "system", at);
            CodeSystem? system = systemName switch
            {
                null => null,
                "icd-10-cm" or "icd10cm" or FactCodes.Icd10CmUrl => CodeSystem.Icd10Cm,
                "snomed" or "snomed-ct" or FactCodes.SnomedUrl => CodeSystem.Snomed,
                _ => null,
            };
            if (systemName is not null && system is null)
            {
                Problems.Add(new SegmentProblem(at + ".system", $"unknown code system '{systemName}' for conditions (use icd-10-cm or snomed)."));
            }

            var pattern = system == CodeSystem.Snomed ? SnomedPattern() : Icd10CmPattern();
            var codes = system is null ? null : RequiredStrings(value, "codes", at, s => pattern.IsMatch(s),
                system == CodeSystem.Snomed ? "a SNOMED CT concept id (digits), or a prefix ending in '*'" : "an ICD-10-CM code such as 'E11.9', or a prefix such as 'E11*'");
            var status = OptionalString(value, "status", at) ?? "active";
            if (status is not ("active" or "any"))
            {
                Problems.Add(new SegmentProblem(at + ".status", $"'status' is 'active' (default) or 'any', not '{status}'."));
                return null;
            }

            var onset = OptionalInt(value, "onsetWithinDays", at, 0, 36500);
            return codes is null || system is null ? null : new ConditionRule(path, system.Value, new CodeSet(codes), status == "active", onset);
        }

        private Rule? Medication(JsonElement value, string path, string at)
        {
            if (!Fields(value, at, ["system", "codes"]) || !KnownSystem(value, at, "rxnorm", "http://www.nlm.nih.gov/research/umls/rxnorm"))
            {
                return null;
            }

            var codes = RequiredStrings(value, "codes", at, s => RxNormPattern().IsMatch(s), "an RxNorm code (digits) or a prefix ending in '*'");
            return codes is null ? null : new MedicationRule(path, new CodeSet(codes));
        }

        private Rule? Lab(JsonElement value, string path, string at)
        {
            if (!Fields(value, at, ["system", "code", "op", "value", "withinDays"]) || !KnownSystem(value, at, "loinc", "http://loinc.org"))
            {
                return null;
            }

            var code = RequiredString(value, "code", at);
            if (code is not null && !LoincPattern().IsMatch(code))
            {
                Problems.Add(new SegmentProblem(at + ".code", $"'{code}' is not a LOINC code (digits, '-', check digit: '4548-4')."));
                code = null;
            }

            var comparison = Operator(value, at);
            var threshold = RequiredNumber(value, "value", at);
            var within = OptionalInt(value, "withinDays", at, 0, 36500);
            return code is null || comparison is null || threshold is null ? null : new LabRule(path, string.Intern(code), comparison.Value, threshold.Value, within);
        }

        private Rule? Encounter(JsonElement value, string path, string at)
        {
            if (!Fields(value, at, ["withinDays", "classes"]))
            {
                return null;
            }

            var days = RequiredInt(value, "withinDays", at, 0, 36500);
            EncounterClass[]? classes = null;
            if (value.TryGetProperty("classes", out var classesElement))
            {
                var names = Strings(classesElement, at + ".classes", s => s is "AMB" or "IMP" or "EMER" or "VR", "one of AMB, IMP, EMER, VR");
                if (names is null)
                {
                    return null;
                }

                classes = [.. names.Select(FactCodes.Encounter)];
            }

            return days is null ? null : new EncounterRule(path, "encounter", classes, days.Value, overlap: false);
        }

        private Rule? InpatientStay(JsonElement value, string path, string at)
        {
            if (!Fields(value, at, ["withinDays"]))
            {
                return null;
            }

            var days = RequiredInt(value, "withinDays", at, 0, 36500);
            return days is null ? null : new EncounterRule(path, "inpatientStay", [EncounterClass.Inpatient], days.Value, overlap: true);
        }

        private Rule? ImmunizationDue(JsonElement value, string path, string at)
        {
            if (!Fields(value, at, ["system", "codes", "olderThanDays"]) || !KnownSystem(value, at, "cvx", "http://hl7.org/fhir/sid/cvx"))
            {
                return null;
            }

            var codes = RequiredStrings(value, "codes", at, s => CvxPattern().IsMatch(s), "a CVX code (1-3 digits) or a prefix ending in '*'");
            var days = RequiredInt(value, "olderThanDays", at, 0, 36500);
            return codes is null || days is null ? null : new ImmunizationDueRule(path, new CodeSet(codes), days.Value);
        }

        private Rule? Engagement(JsonElement value, string path, string at)
        {
            if (!Fields(value, at, ["type", "withinDays", "min", "max", "includeAutomated"]))
            {
                return null;
            }

            var kind = EngagementType(value, at);
            var days = RequiredInt(value, "withinDays", at, 0, 36500);
            var min = OptionalInt(value, "min", at, 0, int.MaxValue) ?? 1;
            var max = OptionalInt(value, "max", at, 0, int.MaxValue) ?? int.MaxValue;
            if (min > max)
            {
                Problems.Add(new SegmentProblem(at + ".min", $"'min' ({min}) is above 'max' ({max})."));
                return null;
            }

            var automated = OptionalBool(value, "includeAutomated", at) ?? false;
            return kind is null || days is null ? null : new EngagementCountRule(path, kind.Value, days.Value, min, max, automated);
        }

        private Rule? LastEngagement(JsonElement value, string path, string at)
        {
            if (!Fields(value, at, ["type", "withinDays", "olderThanDays", "includeAutomated"]))
            {
                return null;
            }

            var kind = EngagementType(value, at);
            var hasWithin = value.TryGetProperty("withinDays", out _);
            var hasOlder = value.TryGetProperty("olderThanDays", out _);
            if (hasWithin == hasOlder)
            {
                Problems.Add(new SegmentProblem(at, "'lastEngagement' takes exactly one of 'withinDays' (the last one is recent) or 'olderThanDays' (none that recent, or never)."));
                return null;
            }

            var days = hasWithin ? RequiredInt(value, "withinDays", at, 0, 36500) : RequiredInt(value, "olderThanDays", at, 0, 36500);
            var automated = OptionalBool(value, "includeAutomated", at) ?? false;
            return kind is null || days is null ? null : new LastEngagementRule(path, kind.Value, days.Value, hasWithin, automated);
        }

        private Rule? NoShows(JsonElement value, string path, string at)
        {
            if (!Fields(value, at, ["withinDays", "min", "max"]))
            {
                return null;
            }

            var days = RequiredInt(value, "withinDays", at, 0, 36500);
            var min = OptionalInt(value, "min", at, 0, int.MaxValue) ?? 1;
            var max = OptionalInt(value, "max", at, 0, int.MaxValue) ?? int.MaxValue;
            return days is null ? null : new NoShowRule(path, days.Value, min, max);
        }

        private Rule? AttendanceRate(JsonElement value, string path, string at)
        {
            if (!Fields(value, at, ["withinDays", "op", "value"]))
            {
                return null;
            }

            var days = RequiredInt(value, "withinDays", at, 0, 36500);
            var comparison = Operator(value, at);
            var threshold = RequiredNumber(value, "value", at);
            if (threshold is < 0 or > 1)
            {
                Problems.Add(new SegmentProblem(at + ".value", $"an attendance rate is between 0 and 1, not {threshold}."));
                return null;
            }

            return days is null || comparison is null || threshold is null ? null : new AttendanceRateRule(path, days.Value, comparison.Value, threshold.Value);
        }

        private Rule? Stage(JsonElement value, string path, string at)
        {
            if (!Fields(value, at, ["is", "withinDays", "months"]))
            {
                return null;
            }

            var stage = RequiredString(value, "is", at);
            switch (stage)
            {
                case null:
                    return null;
                case "new":
                    return OptionalInt(value, "withinDays", at, 1, 36500) is var newDays && !HasProblemAt(at) ? new NewPatientRule(path, newDays ?? 90) : null;
                case "active":
                    return OptionalInt(value, "withinDays", at, 1, 36500) is var activeDays && !HasProblemAt(at) ? new VisitRecencyRule(path, "stage:active", activeDays ?? 365, null, wantRecent: true) : null;
                case "overdue":
                    return OptionalInt(value, "months", at, 1, 1200) is var months && !HasProblemAt(at) ? new VisitRecencyRule(path, "stage:overdue", null, months ?? 12, wantRecent: false) : null;
                case "at-risk":
                    // At risk is a named composition: the segment with id 'at-risk', which an organisation defines.
                    return ReferenceTo("at-risk", path, at + ".is");
                default:
                    Problems.Add(new SegmentProblem(at + ".is", $"unknown stage '{stage}' (new, active, overdue, at-risk)."));
                    return null;
            }
        }

        private bool HasProblemAt(string at) => Problems.Any(p => p.Path.StartsWith(at, StringComparison.Ordinal));

        private EngagementKind? EngagementType(JsonElement value, string at)
        {
            var type = RequiredString(value, "type", at);
            var kind = FactCodes.Engagement(type);
            if (type is not null && kind is null)
            {
                Problems.Add(new SegmentProblem(at + ".type", $"unknown engagement type '{type}' (open, click, portal_login, form_completed)."));
            }

            return kind;
        }

        private Comparison? Operator(JsonElement value, string at)
        {
            var token = RequiredString(value, "op", at);
            if (token is null)
            {
                return null;
            }

            if (!Comparisons.ByToken.TryGetValue(token, out var comparison))
            {
                Problems.Add(new SegmentProblem(at + ".op", $"unknown operator '{token}' ({string.Join(", ", Comparisons.ByToken.Keys)})."));
                return null;
            }

            return comparison;
        }

        private bool KnownSystem(JsonElement value, string at, string name, string url)
        {
            var system = OptionalString(value, "system", at);
            if (system is null || system == name || system == url)
            {
                return !HasProblemAt(at + ".system");
            }

            Problems.Add(new SegmentProblem(at + ".system", $"unknown code system '{system}' here (use {name})."));
            return false;
        }

        private bool Fields(JsonElement value, string at, string[] allowed)
        {
            if (value.ValueKind != JsonValueKind.Object)
            {
                Problems.Add(new SegmentProblem(at, $"expected an object with {string.Join(", ", allowed)}, not {Describe(value)}."));
                return false;
            }

            var ok = true;
            foreach (var property in value.EnumerateObject())
            {
                if (!allowed.Contains(property.Name, StringComparer.Ordinal))
                {
                    Problems.Add(new SegmentProblem(at + "." + property.Name, $"unknown property '{property.Name}' (expected {string.Join(", ", allowed)})."));
                    ok = false;
                }
            }

            return ok;
        }

        private List<string>? RequiredStrings(JsonElement parent, string name, string at, Func<string, bool> valid, string expected)
        {
            if (!parent.TryGetProperty(name, out var value))
            {
                Problems.Add(new SegmentProblem(at, $"'{name}' is required."));
                return null;
            }

            return Strings(value, at + "." + name, valid, expected);
        }

        private List<string>? Strings(JsonElement value, string at, Func<string, bool> valid, string expected, bool allowSingle = false)
        {
            if (allowSingle && value.ValueKind == JsonValueKind.String)
            {
                var single = value.GetString()!;
                if (!valid(single))
                {
                    Problems.Add(new SegmentProblem(at, $"'{single}' is not {expected}."));
                    return null;
                }

                return [single];
            }

            if (value.ValueKind != JsonValueKind.Array || value.GetArrayLength() == 0)
            {
                Problems.Add(new SegmentProblem(at, $"expected a non-empty array of strings, each {expected}; got {Describe(value)}."));
                return null;
            }

            var result = new List<string>();
            var index = 0;
            var ok = true;
            foreach (var item in value.EnumerateArray())
            {
                var itemPath = $"{at}[{index++}]";
                if (item.ValueKind != JsonValueKind.String)
                {
                    Problems.Add(new SegmentProblem(itemPath, $"expected a string ({expected}), not {Describe(item)}."));
                    ok = false;
                }
                else if (!valid(item.GetString()!))
                {
                    Problems.Add(new SegmentProblem(itemPath, $"'{item.GetString()}' is not {expected}."));
                    ok = false;
                }
                else
                {
                    result.Add(item.GetString()!);
                }
            }

            return ok ? result : null;
        }

        private string? RequiredString(JsonElement parent, string name, string at)
        {
            if (!parent.TryGetProperty(name, out _))
            {
                Problems.Add(new SegmentProblem(at, $"'{name}' is required."));
                return null;
            }

            return OptionalString(parent, name, at);
        }

        private string? OptionalString(JsonElement parent, string name, string at)
        {
            if (!parent.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
            {
                return null;
            }

            if (value.ValueKind != JsonValueKind.String)
            {
                Problems.Add(new SegmentProblem(at + "." + name, $"'{name}' must be a string, not {Describe(value)}."));
                return null;
            }

            return value.GetString();
        }

        private int? RequiredInt(JsonElement parent, string name, string at, int min, int max)
        {
            if (!parent.TryGetProperty(name, out _))
            {
                Problems.Add(new SegmentProblem(at, $"'{name}' is required."));
                return null;
            }

            return OptionalInt(parent, name, at, min, max);
        }

        private int? OptionalInt(JsonElement parent, string name, string at, int min, int max)
        {
            if (!parent.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
            {
                return null;
            }

            if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt32(out var number))
            {
                Problems.Add(new SegmentProblem(at + "." + name, $"'{name}' must be a whole number, not {Describe(value)}."));
                return null;
            }

            if (number < min || number > max)
            {
                Problems.Add(new SegmentProblem(at + "." + name, $"'{name}' must be between {min} and {max}, not {number}."));
                return null;
            }

            return number;
        }

        private double? RequiredNumber(JsonElement parent, string name, string at)
        {
            if (!parent.TryGetProperty(name, out var value))
            {
                Problems.Add(new SegmentProblem(at, $"'{name}' is required."));
                return null;
            }

            if (value.ValueKind != JsonValueKind.Number)
            {
                Problems.Add(new SegmentProblem(at + "." + name, $"'{name}' must be a number, not {Describe(value)}."));
                return null;
            }

            return value.GetDouble();
        }

        private bool? OptionalBool(JsonElement parent, string name, string at)
        {
            if (!parent.TryGetProperty(name, out var value))
            {
                return null;
            }

            if (value.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
            {
                Problems.Add(new SegmentProblem(at + "." + name, $"'{name}' must be true or false, not {Describe(value)}."));
                return null;
            }

            return value.GetBoolean();
        }

        private static string Describe(JsonElement value) => value.ValueKind switch
        {
            JsonValueKind.Object => "an object",
            JsonValueKind.Array => "an array",
            JsonValueKind.String => "a string",
            JsonValueKind.Number => "a number",
            JsonValueKind.True or JsonValueKind.False => "a boolean",
            JsonValueKind.Null => "null",
            _ => "nothing",
        };
    }
}
