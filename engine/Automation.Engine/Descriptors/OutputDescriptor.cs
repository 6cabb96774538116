namespace Automation.Engine.Descriptors;

/// <summary>An activity output as Studio consumes it.</summary>
public sealed record OutputDescriptor
{
    /// <summary>The property name.</summary>
    public required string Name { get; init; }
    /// <summary>Elsa's type alias.</summary>
    public required string TypeName { get; init; }
    /// <summary>The label.</summary>
    public required string DisplayName { get; init; }
    /// <summary>Help text.</summary>
    public string? Description { get; init; }
    /// <summary>Panel order.</summary>
    public int Order { get; init; }
    /// <summary>Whether the panel shows it.</summary>
    public bool IsBrowsable { get; init; } = true;
    /// <summary>Always false here.</summary>
    public bool IsSynthetic { get; init; }
}
