namespace Automation.Engine.Expressions;

/// <summary>An expression parsed once when the workflow is compiled and evaluated on every execution.</summary>
internal abstract class CompiledExpression
{
    /// <summary>A value that does not depend on the instance (Literal, Object): computed once.</summary>
    public virtual bool IsConstant => false;

    public abstract object? Evaluate(ExpressionContext context);
}

internal sealed class ConstantExpression(object? value) : CompiledExpression
{
    public object? Value { get; } = value;

    public override bool IsConstant => true;

    public override object? Evaluate(ExpressionContext context) => Value;
}

internal sealed class VariableExpression(string variableName) : CompiledExpression
{
    public override object? Evaluate(ExpressionContext context) => context.State.Variables.GetValueOrDefault(variableName);
}
