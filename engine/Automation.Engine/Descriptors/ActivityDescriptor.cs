using System.Text.Json.Serialization;

namespace Automation.Engine.Descriptors;

/// <summary>An activity type as Elsa Studio's palette and property panel consume it (<c>GET /descriptors/activities</c>).</summary>
public sealed record ActivityDescriptor
{
    /// <summary>Namespace + "." + name, for example <c>Elsa.WriteLine</c>.</summary>
    public required string TypeName { get; init; }
    /// <summary>The namespace part of the type name.</summary>
    public required string Namespace { get; init; }
    /// <summary>The class name.</summary>
    public required string Name { get; init; }
    /// <summary>The activity version.</summary>
    public int Version { get; init; } = 1;
    /// <summary>The palette category.</summary>
    public required string Category { get; init; }
    /// <summary>The palette label.</summary>
    public required string DisplayName { get; init; }
    /// <summary>The description.</summary>
    public string? Description { get; init; }
    /// <summary>The inputs, in panel order.</summary>
    public IReadOnlyList<InputDescriptor> Inputs { get; init; } = [];
    /// <summary>The outputs.</summary>
    public IReadOnlyList<OutputDescriptor> Outputs { get; init; } = [];
    /// <summary><c>Action</c> or <c>Trigger</c>.</summary>
    [JsonConverter(typeof(JsonStringEnumConverter<Activities.ActivityKind>))]
    public Activities.ActivityKind Kind { get; init; }
    /// <summary>The outcome ports.</summary>
    public IReadOnlyList<PortDescriptor> Ports { get; init; } = [];
    /// <summary>Free-form properties Studio reads (for example <c>Type</c> on containers).</summary>
    public IReadOnlyDictionary<string, object?> CustomProperties { get; init; } = new Dictionary<string, object?>();
    /// <summary>Properties Studio copies onto a newly dropped activity.</summary>
    public IReadOnlyDictionary<string, object?> ConstructionProperties { get; init; } = new Dictionary<string, object?>();
    /// <summary>Whether the activity contains others (only the flowchart).</summary>
    public bool IsContainer { get; init; }
    /// <summary>Whether it appears in the palette.</summary>
    public bool IsBrowsable { get; init; } = true;
    /// <summary>Whether it marks a start.</summary>
    public bool IsStart { get; init; }
    /// <summary>Whether it ends a flow (no outbound ports).</summary>
    public bool IsTerminal { get; init; }
}
