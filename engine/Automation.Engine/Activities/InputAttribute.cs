namespace Automation.Engine.Activities;

/// <summary>Describes an <see cref="Input{T}"/> property to the designer and supplies its default.</summary>
[AttributeUsage(AttributeTargets.Property, Inherited = true)]
public sealed class InputAttribute : Attribute
{
    /// <summary>The editor the designer shows (see <see cref="UIHints"/>); defaults to one inferred from the type.</summary>
    public string? UIHint { get; set; }

    /// <summary>Choices for a dropdown editor.</summary>
    public string[]? Options { get; set; }

    /// <summary>The value used when the definition has no entry for this input. Defaults to none.</summary>
    public object? DefaultValue { get; set; }

    /// <summary>Help text shown under the editor.</summary>
    public string? Description { get; set; }

    /// <summary>The label; defaults to the property name split into words.</summary>
    public string? DisplayName { get; set; }

    /// <summary>Position in the property panel; defaults to declaration order.</summary>
    public int Order { get; set; } = -1;

    /// <summary>Whether publishing is refused when the input is absent or empty. Defaults to <c>false</c>.</summary>
    public bool Required { get; set; }

    /// <summary>The expression syntax preselected in the designer. Defaults to <c>Literal</c>.</summary>
    public string DefaultSyntax { get; set; } = "Literal";
}
