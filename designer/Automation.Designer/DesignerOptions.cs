namespace Automation.Designer;

/// <summary>Where the designer finds Elsa Studio's files, bound from <c>Automation:Designer</c>.</summary>
public sealed class DesignerOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Automation:Designer";

    /// <summary>The folder holding the npm package's <c>_framework</c> and <c>_content</c>. Defaults to the package the
    /// build restored into <c>designer/Automation.Designer/node_modules</c>.</summary>
    public string? StudioPath { get; set; }
}
