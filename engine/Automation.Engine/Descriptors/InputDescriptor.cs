namespace Automation.Engine.Descriptors;

/// <summary>An activity input as Studio's property panel consumes it.</summary>
public sealed record InputDescriptor
{
    /// <summary>The property name (PascalCase); stored camelCased in definitions.</summary>
    public required string Name { get; init; }
    /// <summary>Elsa's type alias, for example <c>String</c>, <c>Boolean</c>, <c>Int32</c>, <c>TimeSpan</c>, <c>Object</c>.</summary>
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
    /// <summary>Whether the value is stored as <c>{typeName, expression}</c> (true) or bare (false).</summary>
    public bool IsWrapped { get; init; } = true;
    /// <summary>The editor, see <see cref="Activities.UIHints"/>.</summary>
    public required string UIHint { get; init; }
    /// <summary>The panel group.</summary>
    public string? Category { get; init; }
    /// <summary>The default value.</summary>
    public object? DefaultValue { get; init; }
    /// <summary>The preselected expression syntax.</summary>
    public string DefaultSyntax { get; init; } = "Literal";
    /// <summary>Whether it is read-only.</summary>
    public bool IsReadOnly { get; init; }
    /// <summary>Whether the value is secret.</summary>
    public bool IsSensitive { get; init; }
    /// <summary>Unused; kept for Studio.</summary>
    public string? StorageDriverType { get; init; }
    /// <summary>Editor settings, such as dropdown items under <c>dropdown.selectList.items</c>.</summary>
    public IReadOnlyDictionary<string, object?>? UISpecifications { get; init; }
}
