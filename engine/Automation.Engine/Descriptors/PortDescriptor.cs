namespace Automation.Engine.Descriptors;

/// <summary>An outcome port.</summary>
public sealed record PortDescriptor
{
    /// <summary>The outcome name.</summary>
    public required string Name { get; init; }
    /// <summary>The label.</summary>
    public required string DisplayName { get; init; }
    /// <summary>Always <c>Flow</c> for flowchart outcomes.</summary>
    public string Type { get; init; } = "Flow";
    /// <summary>Whether Studio draws it.</summary>
    public bool IsBrowsable { get; init; } = true;
}
