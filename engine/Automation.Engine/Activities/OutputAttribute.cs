namespace Automation.Engine.Activities;

/// <summary>Describes an <see cref="Output{T}"/> property to the designer.</summary>
[AttributeUsage(AttributeTargets.Property, Inherited = true)]
public sealed class OutputAttribute : Attribute
{
    /// <summary>Help text.</summary>
    public string? Description { get; set; }

    /// <summary>The label; defaults to the property name.</summary>
    public string? DisplayName { get; set; }
}
