using Automation.Engine.Descriptors;
using Automation.Server.Elsa.Definitions;

namespace Automation.Server.Elsa.Descriptors;

/// <summary>Elsa's <c>/descriptors/*</c> and <c>/features/installed</c>: what Studio's palette and panels list.</summary>
internal static class DescriptorEndpoints
{
    private static readonly ExpressionDescriptor[] Expressions =
    [
        new("Literal", "Literal", IsBrowsable: false, new Dictionary<string, string>()),
        new("Object", "Object", IsBrowsable: false, new Dictionary<string, string> { ["MonacoLanguage"] = "json" }),
        new("JavaScript", "JavaScript", IsBrowsable: true, new Dictionary<string, string> { ["MonacoLanguage"] = "javascript" }),
        new("Liquid", "Liquid", IsBrowsable: true, new Dictionary<string, string> { ["MonacoLanguage"] = "liquid" }),
        new("Variable", "Variable", IsBrowsable: true, new Dictionary<string, string>()),
    ];

    private static readonly TypeDescriptor[] IncidentStrategies =
    [
        new("Elsa.Workflows.IncidentStrategies.FaultStrategy, Elsa.Workflows.Core", "Fault", "The workflow faults at the first incident."),
        new("Elsa.Workflows.IncidentStrategies.ContinueWithIncidentsStrategy, Elsa.Workflows.Core", "Continue with incidents", "The other branches keep running after an incident."),
    ];

    private static readonly VariableTypeDescriptor[] VariableTypes =
    [
        new("String", "String", "Primitives", "Text."),
        new("Boolean", "Boolean", "Primitives", "True or false."),
        new("Int32", "Int32", "Primitives", "A 32-bit whole number."),
        new("Int64", "Int64", "Primitives", "A 64-bit whole number."),
        new("Double", "Double", "Primitives", "A floating-point number."),
        new("Decimal", "Decimal", "Primitives", "A decimal number."),
        new("DateTime", "DateTime", "Primitives", "A date and time."),
        new("DateTimeOffset", "DateTimeOffset", "Primitives", "A date and time with its UTC offset."),
        new("TimeSpan", "TimeSpan", "Primitives", "A duration."),
        new("Object", "Object", "Primitives", "Any JSON value."),
        new("StringList", "StringList", "Lists", "A list of strings."),
    ];

    public static void Map(RouteGroupBuilder read)
    {
        read.MapGet("/descriptors/activities", (ActivityRegistry registry) =>
        {
            var items = registry.Descriptors;
            return TypedResults.Ok(new ItemList<ActivityDescriptor>(items, items.Count));
        }).WithName("ElsaActivityDescriptors");
        read.MapGet("/descriptors/expression-descriptors", () => List(Expressions)).WithName("ElsaExpressionDescriptors");
        read.MapGet("/descriptors/workflow-activation-strategies", () => List<TypeDescriptor>([])).WithName("ElsaActivationStrategies");
        read.MapGet("/descriptors/log-persistence-strategies", () => List<TypeDescriptor>([])).WithName("ElsaLogPersistenceStrategies");
        read.MapGet("/descriptors/incident-strategies", () => List(IncidentStrategies)).WithName("ElsaIncidentStrategies");
        read.MapGet("/descriptors/commit-strategies/workflows", () => List<CommitStrategyDescriptor>([])).WithName("ElsaWorkflowCommitStrategies");
        read.MapGet("/descriptors/commit-strategies/activities", () => List<CommitStrategyDescriptor>([])).WithName("ElsaActivityCommitStrategies");
        read.MapGet("/descriptors/storage-drivers", () => List<StorageDriverDescriptor>([])).WithName("ElsaStorageDrivers");
        read.MapGet("/descriptors/variables", () => List(VariableTypes)).WithName("ElsaVariableTypes");
        read.MapGet("/features/installed", () => List<object>([])).WithName("ElsaInstalledFeatures");
    }

    private static Microsoft.AspNetCore.Http.HttpResults.Ok<ItemList<T>> List<T>(IReadOnlyList<T> items) => TypedResults.Ok(new ItemList<T>(items, items.Count));
}

internal sealed record ExpressionDescriptor(string Type, string DisplayName, bool IsBrowsable, IReadOnlyDictionary<string, string> Properties)
{
    public bool IsSerializable { get; init; } = true;
}

internal sealed record TypeDescriptor(string TypeName, string DisplayName, string? Description);

internal sealed record CommitStrategyDescriptor(string Name, string DisplayName, string Description);

internal sealed record StorageDriverDescriptor(string TypeName, string DisplayName, double Priority, bool Deprecated);

internal sealed record VariableTypeDescriptor(string TypeName, string DisplayName, string Category, string? Description);
