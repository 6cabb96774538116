namespace Automation.Engine.Descriptors;

/// <summary>Elsa's short type names for input and variable types.</summary>
public static class TypeAliases
{
    private static readonly Dictionary<Type, string> Aliases = new()
    {
        [typeof(string)] = "String",
        [typeof(bool)] = "Boolean",
        [typeof(int)] = "Int32",
        [typeof(long)] = "Int64",
        [typeof(double)] = "Double",
        [typeof(decimal)] = "Decimal",
        [typeof(float)] = "Single",
        [typeof(DateTime)] = "DateTime",
        [typeof(DateTimeOffset)] = "DateTimeOffset",
        [typeof(TimeSpan)] = "TimeSpan",
        [typeof(Guid)] = "Guid",
        [typeof(object)] = "Object",
        [typeof(string[])] = "StringList",
        [typeof(List<string>)] = "StringList",
    };

    private static readonly Dictionary<string, Type> Types = Aliases
        .GroupBy(pair => pair.Value)
        .ToDictionary(group => group.Key, group => group.First().Key, StringComparer.OrdinalIgnoreCase);

    /// <summary>The alias for a CLR type; <c>Object</c> for types without one.</summary>
    /// <param name="type">The CLR type.</param>
    /// <returns>The alias.</returns>
    public static string AliasOf(Type type)
    {
        ArgumentNullException.ThrowIfNull(type);
        var underlying = Nullable.GetUnderlyingType(type) ?? type;
        return Aliases.TryGetValue(underlying, out var alias) ? alias : underlying.IsEnum ? "String" : "Object";
    }

    /// <summary>The CLR type of an alias; <c>object</c> for unknown aliases.</summary>
    /// <param name="alias">The alias.</param>
    /// <returns>The type.</returns>
    public static Type TypeOf(string? alias) => alias is not null && Types.TryGetValue(alias, out var type) ? type : typeof(object);
}
