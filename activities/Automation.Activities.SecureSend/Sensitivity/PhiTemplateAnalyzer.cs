using Fluid;
using Fluid.Ast;

namespace Automation.Activities.SecureSend.Sensitivity;

/// <summary>
/// Finds the PHI fields of the patient context a Liquid template reads, by walking the Fluid syntax tree for member
/// access on <c>Patient</c> (or <c>patient</c>): <c>Patient.conditions</c>, <c>Patient["labs"]</c>,
/// <c>{% for m in Patient.medications %}</c>. Reading the whole patient object (<c>{{ Patient }}</c>, or assigning it to
/// another variable) counts as reading every field, because what is then read cannot be followed.
/// </summary>
public static class PhiTemplateAnalyzer
{
    /// <summary>The patient-context fields that are PHI for the send policy.</summary>
    public static IReadOnlySet<string> PhiFields { get; } = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
    {
        "conditions", "medications", "labs", "appointments", "coverages", "encounters", "immunizations",
    };

    private static readonly FluidParser Parser = new();

    /// <summary>Parses a template.</summary>
    /// <param name="source">The Liquid source.</param>
    /// <param name="field">The input name, for the error.</param>
    /// <returns>The parsed template.</returns>
    /// <exception cref="FormatException">The template does not parse.</exception>
    public static IFluidTemplate Parse(string source, string field)
    {
        ArgumentNullException.ThrowIfNull(source);
        return Parser.TryParse(source, out var template, out var error)
            ? template
            : throw new FormatException($"{field}: Liquid does not parse: {error}");
    }

    /// <summary>The PHI fields a template reads, sorted; <c>*</c> when it reads the whole patient object.</summary>
    /// <param name="template">The parsed template.</param>
    /// <returns>The fields.</returns>
    public static IReadOnlyList<string> PhiFieldsRead(IFluidTemplate template)
    {
        ArgumentNullException.ThrowIfNull(template);
        var visitor = new PatientAccessVisitor();
        visitor.VisitTemplate(template);
        return [.. visitor.Fields.Order(StringComparer.Ordinal)];
    }

    /// <summary>The PHI fields a template source reads.</summary>
    /// <param name="source">The Liquid source.</param>
    /// <param name="field">The input name, for parse errors.</param>
    /// <returns>The fields.</returns>
    /// <exception cref="FormatException">The template does not parse.</exception>
    public static IReadOnlyList<string> PhiFieldsRead(string source, string field) => PhiFieldsRead(Parse(source, field));

    private sealed class PatientAccessVisitor : AstVisitor
    {
        public HashSet<string> Fields { get; } = new(StringComparer.Ordinal);

        protected override Expression VisitMemberExpression(MemberExpression memberExpression)
        {
            var segments = memberExpression.Segments;
            if (segments.Count > 0 && segments[0] is IdentifierSegment { Identifier: var root } && root.Equals("patient", StringComparison.OrdinalIgnoreCase))
            {
                if (segments.Count == 1)
                {
                    Fields.Add("*");
                }
                else
                {
                    var name = segments[1] switch
                    {
                        IdentifierSegment identifier => identifier.Identifier,
                        IndexerSegment { Expression: LiteralExpression literal } => literal.Value.ToStringValue(),
                        _ => "*", // a computed member could be any field
                    };
                    if (name == "*" || PhiFields.Contains(name))
                    {
                        Fields.Add(name == "*" ? "*" : name.ToLowerInvariant());
                    }
                }
            }

            return base.VisitMemberExpression(memberExpression);
        }
    }
}
