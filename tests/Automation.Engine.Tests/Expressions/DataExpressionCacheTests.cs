using Automation.Engine.Expressions;

namespace Automation.Engine.Tests.Expressions;

public sealed class DataExpressionCacheTests
{
    [Fact]
    public void SameSyntaxValueAndInput_CompilesOnce()
    {
        var cache = new DataExpressionCache();
        var compiles = 0;
        CompiledExpression Compile()
        {
            compiles++;
            return new ConstantExpression(true);
        }

        var first = cache.GetOrCompile("JavaScript", "input.age >= 50", "Cases[Screening]", Compile);
        var second = cache.GetOrCompile("JavaScript", "input.age >= 50", "Cases[Screening]", Compile);

        Assert.Same(first, second);
        Assert.Equal(1, compiles);
    }

    [Fact]
    public void DifferentSyntaxValueTypeOrInput_AreDifferentEntries()
    {
        var cache = new DataExpressionCache();

        var keys = new (string Syntax, object? Value, string Input)[]
        {
            ("Literal", "1", "Cases[A]"),
            ("Literal", 1L, "Cases[A]"),
            ("JavaScript", "1", "Cases[A]"),
            ("Literal", "1", "Cases[B]"),
            ("Literal", null, "Cases[A]"),
        };
        var compiled = keys.Select(k => cache.GetOrCompile(k.Syntax, k.Value, k.Input, () => new ConstantExpression(k))).ToList();

        Assert.Equal(keys.Length, cache.Count);
        Assert.Equal(keys.Length, compiled.Distinct().Count());
    }

    [Fact]
    public void AFailedCompile_IsNotCached_SoTheNextUseFailsToo()
    {
        var cache = new DataExpressionCache();

        Assert.Throws<ExpressionException>(() => cache.GetOrCompile("JavaScript", "(", "Cases[X]", () => throw new ExpressionException("Cases[X]", "it does not parse.")));
        var compiles = 0;
        Assert.Throws<ExpressionException>(() => cache.GetOrCompile("JavaScript", "(", "Cases[X]", () =>
        {
            compiles++;
            throw new ExpressionException("Cases[X]", "it does not parse.");
        }));

        Assert.Equal(1, compiles);
        Assert.Equal(0, cache.Count);
    }

    [Fact]
    public void BeyondCapacity_CompilesEveryUseWithoutGrowing()
    {
        var cache = new DataExpressionCache();
        for (var i = 0; i < DataExpressionCache.Capacity; i++)
        {
            cache.GetOrCompile("JavaScript", $"input.n === {i}", "Cases[N]", () => new ConstantExpression(false));
        }

        var compiles = 0;
        cache.GetOrCompile("JavaScript", "input.n === -1", "Cases[N]", () => new ConstantExpression(compiles++));
        cache.GetOrCompile("JavaScript", "input.n === -1", "Cases[N]", () => new ConstantExpression(compiles++));

        Assert.Equal(2, compiles);
        Assert.Equal(DataExpressionCache.Capacity, cache.Count);
    }
}
