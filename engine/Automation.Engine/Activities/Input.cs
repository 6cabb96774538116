using Automation.Engine.Expressions;

namespace Automation.Engine.Activities;

/// <summary>
/// The untyped base of <see cref="Input{T}"/>. The engine binds each input to the expression the definition stores
/// under the camelCased property name, or to the <see cref="InputAttribute.DefaultValue"/> when that entry is absent.
/// </summary>
public abstract class Input
{
    internal CompiledExpression? Expression { get; set; }

    /// <summary>The property name, set when the workflow is compiled.</summary>
    public string Name { get; internal set; } = "";

    /// <summary>The CLR type of the value.</summary>
    public abstract Type ValueType { get; }

    internal abstract object? Evaluate(ExpressionContext context);

    /// <exception cref="FormatException">The value does not convert.</exception>
    /// <exception cref="InvalidCastException">The value does not convert.</exception>
    internal abstract void BindConstant(object? value);
}

/// <summary>An activity input of type <typeparamref name="T"/>; read it with <see cref="ActivityExecutionContext.Get{T}(Input{T})"/>.</summary>
/// <typeparam name="T">The value type.</typeparam>
public sealed class Input<T> : Input
{
    private bool hasConstant;
    private T? constant;

    /// <inheritdoc />
    public override Type ValueType => typeof(T);

    /// <summary>Reads the value when it does not depend on the instance (a Literal or Object expression, or the default).</summary>
    /// <param name="value">The constant value.</param>
    /// <returns><c>true</c> when the input is constant.</returns>
    public bool TryGetConstant(out T? value)
    {
        value = constant;
        return hasConstant;
    }

    internal override void BindConstant(object? value)
    {
        constant = ValueConverter.Convert<T>(value);
        hasConstant = true;
    }

    internal T? Get(ExpressionContext context)
    {
        if (hasConstant)
        {
            return constant;
        }

        if (Expression is null)
        {
            return default;
        }

        var value = Expression.Evaluate(context);
        try
        {
            return ValueConverter.Convert<T>(value);
        }
        catch (Exception exception) when (exception is FormatException or InvalidCastException or OverflowException or System.Text.Json.JsonException)
        {
            // The converter's message quotes the value, which may be patient data: name the types only.
            throw new ExpressionException(Name, $"a {value?.GetType().Name ?? "null"} value cannot be converted to {typeof(T).Name}.", exception);
        }
    }

    internal override object? Evaluate(ExpressionContext context) => Get(context);
}
