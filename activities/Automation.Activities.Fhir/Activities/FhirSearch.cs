using Automation.Activities.Fhir.Sources;
using Automation.Engine.Activities;
using Automation.Engine.Expressions;
using Hl7.Fhir.Serialization;

namespace Automation.Activities.Fhir.Activities;

/// <summary>Searches one FHIR resource type and returns every match (all pages) as plain JSON resources.</summary>
[Activity("Healthcare", "Healthcare", "Searches FHIR resources.", DisplayName = "FHIR Search")]
[FlowNode("Done", "Failed")]
public sealed class FhirSearch(IPatientDataSource source) : Activity
{
    private static readonly FhirJsonSerializer Serializer = new();

    /// <summary>The resource type.</summary>
    [Input(Description = "The resource type to search.", Options = ["Patient", "Appointment", "Condition", "Observation", "MedicationRequest", "Immunization", "Encounter", "Coverage", "Consent"], Required = true)]
    public Input<string> ResourceType { get; set; } = new();

    /// <summary>Search parameters, e.g. <c>{"patient":"Patient/1","status":"booked"}</c>.</summary>
    [Input(Description = "Search parameters as a JSON object, e.g. {\"patient\": \"Patient/1\", \"status\": \"booked\"}.", UIHint = UIHints.JsonEditor, DefaultSyntax = "Object")]
    public Input<Dictionary<string, object?>> Parameters { get; set; } = new();

    /// <summary>The matching resources.</summary>
    [Output(Description = "The matching resources as FHIR JSON objects.")]
    public Output<List<object?>> Resources { get; set; } = new();

    /// <inheritdoc />
    public override async ValueTask ExecuteAsync(ActivityExecutionContext context)
    {
        var parameters = (context.Get(Parameters) ?? [])
            .ToDictionary(p => p.Key, p => Convert.ToString(p.Value, System.Globalization.CultureInfo.InvariantCulture) ?? "", StringComparer.Ordinal);
        try
        {
            var found = await source.SearchAsync(context.Get(ResourceType) ?? "", parameters, context.CancellationToken).ConfigureAwait(false);
            context.Set(Resources, found.Select(r => PlainJson.Parse(Serializer.SerializeToString(r))).ToList());
            context.Complete("Done");
        }
        catch (FhirSourceException)
        {
            // The reason is in the source's log; outcomes carry no patient data.
            context.Complete("Failed");
        }
    }
}
