namespace Automation.Engine.Activities;

/// <summary>The untyped base of <see cref="Output{T}"/>.</summary>
public abstract class Output
{
    /// <summary>The property name, set when the workflow is compiled.</summary>
    public string Name { get; internal set; } = "";

    /// <summary>The CLR type of the value.</summary>
    public abstract Type ValueType { get; }
}

/// <summary>
/// An activity output of type <typeparamref name="T"/>; write it with
/// <see cref="ActivityExecutionContext.Set{T}(Output{T}, T)"/>. Later activities read it in JavaScript as
/// <c>outputs.&lt;activityId&gt;.&lt;Name&gt;</c> and in Liquid as <c>Outputs.&lt;activityId&gt;.&lt;Name&gt;</c>.
/// </summary>
/// <typeparam name="T">The value type.</typeparam>
public sealed class Output<T> : Output
{
    /// <inheritdoc />
    public override Type ValueType => typeof(T);
}
