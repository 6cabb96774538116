namespace Automation.Engine.Activities;

/// <summary>
/// Marks a class as a workflow activity. The activity's type name is <see cref="Namespace"/> + "." + the class name,
/// as in Elsa 3 (for example <c>Elsa.WriteLine</c> or <c>Healthcare.SecureSend</c>).
/// </summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class ActivityAttribute : Attribute
{
    /// <summary>Creates the attribute.</summary>
    /// <param name="namespace">The type-name prefix, for example <c>Elsa</c> or <c>Healthcare</c>.</param>
    /// <param name="category">The palette category shown in the designer.</param>
    /// <param name="description">A one-line description shown in the designer.</param>
    public ActivityAttribute(string @namespace, string category, string? description = null)
    {
        Namespace = @namespace;
        Category = category;
        Description = description;
    }

    /// <summary>The type-name prefix.</summary>
    public string Namespace { get; }

    /// <summary>The palette category.</summary>
    public string Category { get; }

    /// <summary>A one-line description.</summary>
    public string? Description { get; }

    /// <summary>The name shown in the palette; defaults to the class name split into words.</summary>
    public string? DisplayName { get; set; }

    /// <summary>The activity version; defaults to 1.</summary>
    public int Version { get; set; } = 1;

    /// <summary>Whether the activity can start a workflow when its stimulus arrives (kind <c>Trigger</c>).</summary>
    public ActivityKind Kind { get; set; } = ActivityKind.Action;
}
