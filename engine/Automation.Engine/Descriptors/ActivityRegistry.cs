using System.Collections.Concurrent;
using System.Reflection;
using System.Text.RegularExpressions;
using Automation.Engine.Activities;

namespace Automation.Engine.Descriptors;

/// <summary>
/// The activity types the engine knows: ours and those of loaded plugins. Each type's descriptor is built once, when
/// it is registered.
/// </summary>
public sealed partial class ActivityRegistry
{
    /// <summary>The type name of the flowchart container, which has a descriptor but no activity class.</summary>
    public const string FlowchartTypeName = "Elsa.Flowchart";

    // The port every activity is entered at (connections' target port); no outcome may take its name.
    private const string InPort = "In";

    private static readonly ActivityDescriptor FlowchartDescriptor = new()
    {
        TypeName = FlowchartTypeName,
        Namespace = "Elsa",
        Name = "Flowchart",
        Category = "Flow",
        DisplayName = "Flowchart",
        Description = "A flowchart container.",
        CustomProperties = new Dictionary<string, object?> { ["Type"] = FlowchartTypeName },
        IsContainer = true,
    };

    private readonly ConcurrentDictionary<string, ActivityType> types = new(StringComparer.Ordinal);

    /// <summary>Creates a registry holding the core activities.</summary>
    public ActivityRegistry() => RegisterAssembly(typeof(ActivityRegistry).Assembly);

    /// <summary>Creates a registry holding the core activities and those of the given assemblies (how dependency
    /// injection builds it: each activity library registers an <see cref="ActivityAssembly"/>).</summary>
    /// <param name="assemblies">The activity assemblies.</param>
    public ActivityRegistry(IEnumerable<ActivityAssembly> assemblies)
        : this()
    {
        ArgumentNullException.ThrowIfNull(assemblies);
        foreach (var assembly in assemblies)
        {
            RegisterAssembly(assembly.Assembly);
        }
    }

    /// <summary>Descriptors of every registered type (plus the flowchart container), ordered by category and name.</summary>
    public IReadOnlyList<ActivityDescriptor> Descriptors =>
        types.Values.Select(t => t.Descriptor).Append(FlowchartDescriptor)
            .OrderBy(d => d.Category, StringComparer.Ordinal).ThenBy(d => d.TypeName, StringComparer.Ordinal).ToList();

    /// <summary>Registers every concrete <see cref="Activity"/> class with an <see cref="ActivityAttribute"/> in an assembly.</summary>
    /// <param name="assembly">The assembly.</param>
    /// <returns>The number of activity types registered.</returns>
    /// <exception cref="ReflectionTypeLoadException">The assembly's types cannot be loaded.</exception>
    public int RegisterAssembly(Assembly assembly)
    {
        ArgumentNullException.ThrowIfNull(assembly);
        var count = 0;
        foreach (var type in assembly.GetTypes())
        {
            if (type is { IsAbstract: false, IsPublic: true } && typeof(Activity).IsAssignableFrom(type) && type.GetCustomAttribute<ActivityAttribute>() is not null)
            {
                Register(type);
                count++;
            }
        }

        return count;
    }

    /// <summary>Registers one activity class.</summary>
    /// <param name="type">A concrete subclass of <see cref="Activity"/> with an <see cref="ActivityAttribute"/>.</param>
    /// <exception cref="ArgumentException">The type is not such a class, declares an outcome named <c>In</c> (the port
    /// every activity is entered at: Elsa Studio cannot draw a node with two ports of that name), or renames an
    /// outcome to one it does not declare.</exception>
    public void Register(Type type)
    {
        ArgumentNullException.ThrowIfNull(type);
        if (!typeof(Activity).IsAssignableFrom(type) || type.IsAbstract)
        {
            throw new ArgumentException($"{type.FullName} is not a concrete Activity.", nameof(type));
        }

        var attribute = type.GetCustomAttribute<ActivityAttribute>()
            ?? throw new ArgumentException($"{type.FullName} has no [Activity] attribute.", nameof(type));
        var activityType = Describe(type, attribute);
        types[activityType.TypeName] = activityType;
    }

    /// <summary>Whether a type name is registered (the flowchart container included).</summary>
    /// <param name="typeName">The type name.</param>
    /// <returns><c>true</c> when known.</returns>
    public bool Contains(string typeName) => typeName == FlowchartTypeName || types.ContainsKey(typeName);

    /// <summary>The descriptor of a type name.</summary>
    /// <param name="typeName">The type name.</param>
    /// <returns>The descriptor, or <c>null</c> when unknown.</returns>
    public ActivityDescriptor? FindDescriptor(string typeName) =>
        typeName == FlowchartTypeName ? FlowchartDescriptor : types.TryGetValue(typeName, out var type) ? type.Descriptor : null;

    internal ActivityType? Find(string typeName) => types.GetValueOrDefault(typeName);

    private static ActivityType Describe(Type type, ActivityAttribute attribute)
    {
        var properties = type.GetProperties(BindingFlags.Public | BindingFlags.Instance).OrderBy(p => p.MetadataToken).ToList();
        var outcomes = type.GetCustomAttribute<FlowNodeAttribute>()?.Outcomes ?? [Outcomes.Done];
        var inputs = new List<InputProperty>();
        foreach (var property in properties.Where(p => IsGeneric(p.PropertyType, typeof(Input<>))))
        {
            var valueType = property.PropertyType.GetGenericArguments()[0];
            var input = property.GetCustomAttribute<InputAttribute>() ?? new InputAttribute();
            var descriptor = new InputDescriptor
            {
                Name = property.Name,
                TypeName = TypeAliases.AliasOf(valueType),
                DisplayName = input.DisplayName ?? Words(property.Name),
                Description = input.Description,
                Order = input.Order >= 0 ? input.Order : inputs.Count,
                UIHint = input.UIHint ?? DefaultHint(valueType, input),
                DefaultValue = input.DefaultValue,
                DefaultSyntax = input.DefaultSyntax,
                IsWrapped = input.UIHint is not (UIHints.FlowSwitchEditor or UIHints.VariablePicker),
                UISpecifications = input.Options is { Length: > 0 } options ? DropdownSpecification(options)
                    : input.UIHint == UIHints.DynamicOutcomes && outcomes.Count > 0 ? FixedOutcomesSpecification(outcomes)
                    : null,
            };
            inputs.Add(new InputProperty(property, valueType, input, descriptor));
        }

        var outputs = properties.Where(p => IsGeneric(p.PropertyType, typeof(Output<>))).ToList();
        if (outcomes.Contains(InPort, StringComparer.Ordinal))
        {
            throw new ArgumentException($"{type.FullName} declares an outcome named '{InPort}', the port every activity is entered at; Elsa Studio cannot draw it. Choose another name.", nameof(type));
        }

        var renamed = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var rename in type.GetCustomAttributes<RenamedOutcomeAttribute>())
        {
            if (!outcomes.Contains(rename.Current, StringComparer.Ordinal))
            {
                throw new ArgumentException($"{type.FullName} renames '{rename.Former}' to '{rename.Current}', which is not one of its outcomes.", nameof(type));
            }

            renamed[rename.Former] = rename.Current;
        }

        var name = type.Name;
        var typeName = attribute.Namespace + "." + name;
        var activityDescriptor = new ActivityDescriptor
        {
            TypeName = typeName,
            Namespace = attribute.Namespace,
            Name = name,
            Version = attribute.Version,
            Category = attribute.Category,
            DisplayName = attribute.DisplayName ?? Words(name),
            Description = attribute.Description,
            Kind = attribute.Kind,
            Inputs = inputs.Select(i => i.Descriptor).OrderBy(i => i.Order).ToList(),
            Outputs = outputs.Select((p, i) => new OutputDescriptor
            {
                Name = p.Name,
                TypeName = TypeAliases.AliasOf(p.PropertyType.GetGenericArguments()[0]),
                DisplayName = p.GetCustomAttribute<OutputAttribute>()?.DisplayName ?? p.Name,
                Description = p.GetCustomAttribute<OutputAttribute>()?.Description,
                Order = i,
            }).ToList(),
            Ports = outcomes.Select(o => new PortDescriptor { Name = o, DisplayName = Words(o) }).ToList(),
            IsStart = typeName == "Elsa.Start",
            IsTerminal = outcomes.Count == 0 && type.GetMethod(nameof(Activity.GetDynamicOutcomes))!.DeclaringType == typeof(Activity),
        };
        return new ActivityType
        {
            ClrType = type,
            Descriptor = activityDescriptor,
            Inputs = inputs,
            Outputs = outputs,
            DeclaredOutcomes = outcomes.ToHashSet(StringComparer.Ordinal),
            RenamedOutcomes = renamed,
        };
    }

    private static Dictionary<string, object?> DropdownSpecification(string[] options) => new()
    {
        ["dropdown"] = new Dictionary<string, object?>
        {
            ["selectList"] = new Dictionary<string, object?>
            {
                ["items"] = options.Select(o => new Dictionary<string, object?> { ["text"] = o, ["value"] = o }).ToList(),
                ["isFlagsEnum"] = false,
            },
        },
    };

    // Studio draws a dynamic-outcomes activity's ports from the input's value plus these fixed outcomes (Elsa's
    // DynamicOutcomesOptions); it ignores the descriptor's ports for such an activity, so its declared outcomes go here.
    private static Dictionary<string, object?> FixedOutcomesSpecification(IReadOnlyList<string> outcomes) => new()
    {
        ["DynamicOutcomesOptions"] = new Dictionary<string, object?> { ["fixedOutcomes"] = outcomes.ToList() },
    };

    private static string DefaultHint(Type valueType, InputAttribute input) =>
        input.Options is { Length: > 0 } ? UIHints.Dropdown
        : valueType == typeof(bool) ? UIHints.Checkbox
        : valueType == typeof(object) ? UIHints.MultiLine
        : UIHints.SingleLine;

    private static bool IsGeneric(Type type, Type definition) => type.IsGenericType && type.GetGenericTypeDefinition() == definition;

    private static string Words(string pascal) => WordBoundary().Replace(pascal, " $1");

    [GeneratedRegex("(?<=[a-z0-9])([A-Z])")]
    private static partial Regex WordBoundary();
}
