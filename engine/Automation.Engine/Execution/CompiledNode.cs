using Automation.Engine.Activities;
using Automation.Engine.Definitions;
using Automation.Engine.Descriptors;

namespace Automation.Engine.Execution;

/// <summary>A flowchart node ready to run: its bound activity instance and its outbound connections by outcome.</summary>
internal sealed class CompiledNode
{
    public required int Index { get; init; }

    public required ActivityNode Definition { get; init; }

    public required ActivityType ActivityType { get; init; }

    public required Activity Activity { get; init; }

    public string Id => Definition.Id;

    public string NodeId { get; init; } = "";

    public string Type => ActivityType.TypeName;

    /// <summary>Outbound targets by outcome: (target node index, connection index).</summary>
    public Dictionary<string, List<(int Target, int Connection)>> Outbound { get; } = new(StringComparer.Ordinal);

    /// <summary>Indexes of inbound connections.</summary>
    public List<int> Inbound { get; } = [];
}
