using System.Collections.Concurrent;
using Automation.Engine.Plugins;

namespace Automation.Server.Hosting;

/// <summary>What the plugin scan found, for the API and the designer.</summary>
internal sealed class PluginCatalog
{
    private readonly ConcurrentQueue<PluginLoadResult> results = new();

    public IReadOnlyList<PluginLoadResult> Results => results.ToArray();

    public void Add(PluginLoadResult result) => results.Enqueue(result);
}
