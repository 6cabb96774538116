using System.Globalization;
using System.Runtime;

namespace Automation.Cli.Campaign;

/// <summary>
/// Runs the benchmark as .NET runs in a container with a memory limit: the GC's heap hard limit is 75% of it, the
/// runtime's default there. Under the limit the server GC collects harder as the heap nears it, instead of growing
/// into the machine's free memory (without one, N = 1,000,000 peaked at 1,123 MB of RSS; with it, under 1 GB).
/// </summary>
internal static class ContainerMemoryLimit
{
    public const int HeapPercent = 75;

    /// <summary>Sets the heap hard limit for the rest of the process; <c>false</c>, with the reason, when the GC refuses it.</summary>
    public static bool TryApply(int megabytes, out string refused)
    {
        var limit = (ulong)(megabytes * 1024L * 1024L * HeapPercent / 100);
        AppContext.SetData("GCHeapHardLimit", limit);
        try
        {
            GC.RefreshMemoryLimit();
        }
        catch (InvalidOperationException exception)
        {
            // The limit is below what the heap has already committed; the GC keeps its previous configuration.
            AppContext.SetData("GCHeapHardLimit", null);
            refused = $"{megabytes} MB is too small for this process ({exception.Message})";
            return false;
        }

        refused = "";
        return true;
    }

    /// <summary>The <c>gc:</c> line: the collector and the heap limit it reports (read back from the GC, not echoed).</summary>
    public static string Describe(int megabytes)
    {
        GC.Collect(); // the memory info describes the last collection; this one ran under the limit now in force
        var info = GC.GetGCMemoryInfo();
        var collector = GCSettings.IsServerGC ? "server" : "workstation";
        return megabytes > 0
            ? string.Create(CultureInfo.InvariantCulture, $"gc: {collector}, heap limit {info.TotalAvailableMemoryBytes / (1024 * 1024)} MB ({HeapPercent}% of --memory-limit-mb {megabytes}, as in a container with that limit)")
            : string.Create(CultureInfo.InvariantCulture, $"gc: {collector}, no heap limit ({info.TotalAvailableMemoryBytes / (1024 * 1024)} MB available)");
    }
}
