using System.Collections.Concurrent;
using Automation.Engine.Activities;
using Automation.Engine.Definitions;
using Automation.Engine.Descriptors;
using Automation.Engine.Expressions;
using Microsoft.Extensions.DependencyInjection;

namespace Automation.Engine.Execution;

/// <summary>
/// Compiles a definition version into a runnable flowchart, and in doing so validates it: unknown activity types,
/// duplicate ids, connections to missing activities or ports, expressions that do not parse, literals of the wrong
/// type and missing required inputs are all reported, each with its activity id.
/// </summary>
public sealed class WorkflowCompiler
{
    private readonly ActivityRegistry registry;
    private readonly IServiceProvider services;
    private readonly ExpressionCompiler expressions;
    private readonly JavaScriptOptions javaScriptOptions;
    private readonly ConcurrentDictionary<string, CompiledWorkflow> cache = new(StringComparer.Ordinal);

    /// <summary>Creates the compiler.</summary>
    /// <param name="registry">The known activity types.</param>
    /// <param name="services">Constructs activities (constructor injection).</param>
    /// <param name="options">Engine options (JavaScript limits).</param>
    public WorkflowCompiler(ActivityRegistry registry, IServiceProvider services, WorkflowEngineOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        this.registry = registry;
        this.services = services;
        javaScriptOptions = options.JavaScript;
        expressions = new ExpressionCompiler(options.JavaScript);
    }

    /// <summary>Lists every problem in a definition.</summary>
    /// <param name="definition">The definition.</param>
    /// <returns>The problems; empty when the definition can run.</returns>
    public IReadOnlyList<ValidationProblem> Validate(WorkflowDefinition definition)
    {
        ArgumentNullException.ThrowIfNull(definition);
        Build(definition, out var problems);
        return problems;
    }

    internal CompiledWorkflow Compile(WorkflowDefinition definition)
    {
        // Drafts are saved under the same version id, so the whole content is the key (compared in full on a hit).
        var key = definition.Id + "\n" + definition.Document.ToJsonString();
        if (cache.TryGetValue(key, out var compiled))
        {
            return compiled;
        }

        compiled = Build(definition, out var problems);
        if (problems.Count > 0)
        {
            throw new WorkflowValidationException(problems);
        }

        if (cache.Count > 1000)
        {
            cache.Clear();
        }

        cache[key] = compiled;
        return compiled;
    }

    private CompiledWorkflow Build(WorkflowDefinition definition, out List<ValidationProblem> problems)
    {
        problems = [];
        var variables = definition.Variables;
        foreach (var duplicate in variables.GroupBy(v => v.Name).Where(g => g.Count() > 1))
        {
            problems.Add(new ValidationProblem(null, $"variable '{duplicate.Key}' is declared more than once."));
        }

        var nodes = new List<CompiledNode>();
        var byId = new Dictionary<string, CompiledNode>(StringComparer.Ordinal);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var activity in definition.Root.Activities)
        {
            if (string.IsNullOrEmpty(activity.Id))
            {
                problems.Add(new ValidationProblem(null, $"an activity of type '{activity.Type}' has no id."));
                continue;
            }

            if (!seen.Add(activity.Id))
            {
                problems.Add(new ValidationProblem(activity.Id, "the activity id is used more than once."));
                continue;
            }

            var type = registry.Find(activity.Type);
            if (type is null)
            {
                problems.Add(new ValidationProblem(activity.Id, $"unknown activity type '{activity.Type}'."));
                continue;
            }

            var instance = CreateActivity(type, activity, variables, problems);
            if (instance is null)
            {
                continue;
            }

            if (type.Descriptor.Kind == Activities.ActivityKind.Trigger)
            {
                try
                {
                    _ = instance.GetTriggerPayload(); // a schedule that cannot be parsed must not reach the scheduler
                }
                catch (FormatException exception)
                {
                    problems.Add(new ValidationProblem(activity.Id, exception.Message));
                }
            }

            foreach (var problem in instance.GetValidationProblems())
            {
                problems.Add(new ValidationProblem(activity.Id, problem));
            }

            var node = new CompiledNode { Index = nodes.Count, Definition = activity, ActivityType = type, Activity = instance, NodeId = activity.NodeId };
            nodes.Add(node);
            byId[activity.Id] = node;
        }

        var connections = definition.Root.Connections;
        for (var i = 0; i < connections.Count; i++)
        {
            var connection = connections[i];
            var sourceKnown = byId.TryGetValue(connection.SourceActivityId, out var source);
            var targetKnown = byId.TryGetValue(connection.TargetActivityId, out var target);
            if (!sourceKnown && !seen.Contains(connection.SourceActivityId))
            {
                problems.Add(new ValidationProblem(connection.SourceActivityId.Length > 0 ? connection.SourceActivityId : null,
                    $"connection {i} starts at activity '{connection.SourceActivityId}', which does not exist."));
            }

            if (!targetKnown && !seen.Contains(connection.TargetActivityId))
            {
                problems.Add(new ValidationProblem(connection.SourceActivityId.Length > 0 ? connection.SourceActivityId : null,
                    $"connection {i} ends at activity '{connection.TargetActivityId}', which does not exist."));
            }

            if (source is null || target is null)
            {
                continue;
            }

            var sourcePort = connection.SourcePort;
            if (!HasOutcome(source, sourcePort) && source.ActivityType.RenamedOutcomes.TryGetValue(sourcePort, out var current))
            {
                sourcePort = current; // saved before the outcome was renamed
            }

            if (!HasOutcome(source, sourcePort))
            {
                problems.Add(new ValidationProblem(source.Id, $"connection {i} leaves from port '{connection.SourcePort}', which {source.Type} does not have."));
                continue;
            }

            if (connection.TargetPort != "In")
            {
                problems.Add(new ValidationProblem(target.Id, $"connection {i} enters at port '{connection.TargetPort}'; activities are entered at 'In'."));
                continue;
            }

            if (!source.Outbound.TryGetValue(sourcePort, out var targets))
            {
                targets = [];
                source.Outbound[sourcePort] = targets;
            }

            targets.Add((target.Index, i));
            target.Inbound.Add(i);
        }

        List<CompiledNode> starts = nodes.Where(n => n.Type == "Elsa.Start").ToList();
        if (starts.Count == 0)
        {
            starts = nodes.Where(n => n.Inbound.Count == 0).ToList();
        }

        if (starts.Count == 0 && nodes.Count > 0)
        {
            problems.Add(new ValidationProblem(null, "the flowchart has no Elsa.Start and every activity has an inbound connection, so nothing can run first."));
        }

        return new CompiledWorkflow
        {
            Definition = definition,
            Nodes = [.. nodes],
            NodesById = byId,
            StartNodes = starts,
            Variables = variables,
            JavaScriptOptions = javaScriptOptions,
        };
    }

    private static bool HasOutcome(CompiledNode node, string port) =>
        node.ActivityType.DeclaredOutcomes.Contains(port) || node.Activity.GetDynamicOutcomes().Contains(port, StringComparer.Ordinal);

    private Activity? CreateActivity(ActivityType type, ActivityNode node, IReadOnlyList<VariableDefinition> variables, List<ValidationProblem> problems)
    {
        Activity instance;
        try
        {
            instance = (Activity)ActivatorUtilities.CreateInstance(services, type.ClrType);
        }
        catch (Exception exception) when (exception is InvalidOperationException or MissingMethodException or System.Reflection.TargetInvocationException)
        {
            problems.Add(new ValidationProblem(node.Id, $"{type.TypeName} cannot be created: {exception.Message}"));
            return null;
        }

        foreach (var input in type.Inputs)
        {
            var bound = (Input)Activator.CreateInstance(typeof(Input<>).MakeGenericType(input.ValueType))!;
            bound.Name = input.Property.Name;
            input.Property.SetValue(instance, bound);
            var entry = node.GetInput(input.Property.Name);
            try
            {
                var expression = entry is null
                    ? (input.Attribute.DefaultValue is null ? null : new ConstantExpression(input.Attribute.DefaultValue))
                    : expressions.Compile(entry, input.Property.Name, variables);
                bound.Expression = expression;
                if (expression is ConstantExpression constant)
                {
                    bound.BindConstant(constant.Value);
                    if (input.Attribute.Required && IsEmpty(constant.Value))
                    {
                        problems.Add(new ValidationProblem(node.Id, $"required input '{input.Property.Name}' is empty."));
                    }
                }
                else if (expression is null)
                {
                    bound.BindConstant(null);
                    if (input.Attribute.Required)
                    {
                        problems.Add(new ValidationProblem(node.Id, $"required input '{input.Property.Name}' is missing."));
                    }
                }
            }
            catch (ExpressionException exception)
            {
                problems.Add(new ValidationProblem(node.Id, exception.Message));
            }
            catch (Exception exception) when (exception is FormatException or InvalidCastException or OverflowException or System.Text.Json.JsonException or ArgumentException)
            {
                problems.Add(new ValidationProblem(node.Id, $"Input '{input.Property.Name}': the value cannot be converted to {TypeAliases.AliasOf(input.ValueType)}: {exception.Message}"));
            }
        }

        foreach (var property in type.Outputs)
        {
            var output = (Output)Activator.CreateInstance(property.PropertyType)!;
            output.Name = property.Name;
            property.SetValue(instance, output);
        }

        return instance;
    }

    private static bool IsEmpty(object? value) => value is null || value is string { Length: 0 };
}
