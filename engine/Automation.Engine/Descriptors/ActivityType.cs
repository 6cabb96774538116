using System.Reflection;
using Automation.Engine.Activities;

namespace Automation.Engine.Descriptors;

/// <summary>What the registry learned about one activity class, once: descriptor, input and output properties.</summary>
internal sealed class ActivityType
{
    public required Type ClrType { get; init; }

    public required ActivityDescriptor Descriptor { get; init; }

    public required IReadOnlyList<InputProperty> Inputs { get; init; }

    public required IReadOnlyList<PropertyInfo> Outputs { get; init; }

    public required IReadOnlySet<string> DeclaredOutcomes { get; init; }

    /// <summary>Former outcome names (still used by stored connections) and the outcome each now means.</summary>
    public required IReadOnlyDictionary<string, string> RenamedOutcomes { get; init; }

    public string TypeName => Descriptor.TypeName;
}

internal sealed record InputProperty(PropertyInfo Property, Type ValueType, InputAttribute Attribute, InputDescriptor Descriptor);
