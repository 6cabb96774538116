namespace Automation.Engine.Persistence;

/// <summary>Which version(s) of a definition to read, as Elsa's <c>versionOptions</c> query parameter names them.</summary>
public readonly record struct VersionOptions
{
    private VersionOptions(string kind, int version = 0)
    {
        Kind = kind;
        Version = version;
    }

    /// <summary>The newest version, draft or published.</summary>
    public static VersionOptions Latest { get; } = new("Latest");

    /// <summary>The published version.</summary>
    public static VersionOptions Published { get; } = new("Published");

    /// <summary>The newest version if any, else the published one (they are the same unless a draft exists).</summary>
    public static VersionOptions LatestOrPublished { get; } = new("LatestOrPublished");

    /// <summary>Every version.</summary>
    public static VersionOptions AllVersions { get; } = new("AllVersions");

    /// <summary>One version number.</summary>
    /// <param name="version">The version number.</param>
    /// <returns>The options.</returns>
    public static VersionOptions SpecificVersion(int version) => new("SpecificVersion", version);

    /// <summary>The kind: Latest, Published, LatestOrPublished, AllVersions or SpecificVersion.</summary>
    public string Kind { get; }

    /// <summary>The version number for SpecificVersion.</summary>
    public int Version { get; }

    /// <summary>Parses Elsa's query value (case-insensitive), or a version number.</summary>
    /// <param name="text">The value; null or empty means Latest.</param>
    /// <returns>The options.</returns>
    /// <exception cref="FormatException">The value is not recognised.</exception>
    public static VersionOptions Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return Latest;
        }

        if (int.TryParse(text, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var number))
        {
            return SpecificVersion(number);
        }

        foreach (var options in new[] { Latest, Published, LatestOrPublished, AllVersions })
        {
            if (string.Equals(options.Kind, text, StringComparison.OrdinalIgnoreCase))
            {
                return options;
            }
        }

        throw new FormatException($"'{text}' is not a version option (Latest, Published, LatestOrPublished, AllVersions or a number).");
    }
}
