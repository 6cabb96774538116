using System.Reflection;
using Automation.Engine.Descriptors;

namespace Automation.Engine.Plugins;

/// <summary>
/// Loads activity plugins from a folder: each <c>*.dll</c> directly in it, and in each subfolder the assembly named
/// after the subfolder (<c>plugins/MyPlugin/MyPlugin.dll</c>, beside its dependencies). A plugin that fails is reported
/// with its path and reason; the others and the host carry on.
/// </summary>
public static class PluginLoader
{
    /// <summary>Loads every plugin in <paramref name="directory"/> into <paramref name="registry"/>.</summary>
    /// <param name="directory">The plugins folder; a missing folder means no plugins.</param>
    /// <param name="registry">The registry to add activity types to.</param>
    /// <returns>One result per plugin assembly found.</returns>
    public static IReadOnlyList<PluginLoadResult> LoadAll(string directory, ActivityRegistry registry)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        ArgumentNullException.ThrowIfNull(registry);
        if (!Directory.Exists(directory))
        {
            return [];
        }

        var candidates = Directory.GetFiles(directory, "*.dll")
            .Concat(Directory.GetDirectories(directory)
                .Select(folder => Path.Combine(folder, Path.GetFileName(folder) + ".dll"))
                .Where(File.Exists))
            .OrderBy(path => path, StringComparer.Ordinal);
        return candidates.Select(path => Load(Path.GetFullPath(path), registry)).ToList();
    }

    private static PluginLoadResult Load(string path, ActivityRegistry registry)
    {
        try
        {
            var context = new PluginLoadContext(path);
            var assembly = context.LoadFromAssemblyPath(path);
            return new PluginLoadResult(path, registry.RegisterAssembly(assembly), null);
        }
        catch (ReflectionTypeLoadException exception)
        {
            var reasons = exception.LoaderExceptions.Where(e => e is not null).Select(e => e!.Message).Distinct();
            return new PluginLoadResult(path, 0, "types could not be loaded: " + string.Join("; ", reasons));
        }
        catch (Exception exception) when (exception is BadImageFormatException or FileLoadException or FileNotFoundException or ArgumentException or IOException)
        {
            return new PluginLoadResult(path, 0, exception.GetType().Name + ": " + exception.Message);
        }
    }
}
