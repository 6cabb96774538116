namespace Automation.Engine.Plugins;

/// <summary>The outcome of loading one plugin assembly.</summary>
/// <param name="Path">The assembly's path.</param>
/// <param name="ActivityCount">How many activity types it registered.</param>
/// <param name="Error">Why it failed to load, or <c>null</c> when it loaded.</param>
public sealed record PluginLoadResult(string Path, int ActivityCount, string? Error)
{
    /// <summary>Whether the plugin loaded.</summary>
    public bool Succeeded => Error is null;
}
