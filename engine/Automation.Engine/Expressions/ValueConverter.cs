using System.Collections;
using System.Globalization;
using System.Text.Json;
using System.Xml;

namespace Automation.Engine.Expressions;

/// <summary>
/// Converts expression results to the type an input declares. Tolerates what Elsa Studio sends: booleans and numbers as
/// strings ("False", "42"), time spans as "00:05:00" or ISO 8601 ("PT5M"), lists as JSON arrays or comma-separated text.
/// </summary>
public static class ValueConverter
{
    private static readonly JsonSerializerOptions WebOptions = new(JsonSerializerDefaults.Web);

    /// <summary>Converts a value.</summary>
    /// <typeparam name="T">The target type.</typeparam>
    /// <param name="value">The value.</param>
    /// <returns>The converted value; <c>default</c> for null or empty text when the target is not a string.</returns>
    /// <exception cref="FormatException">The text is not in a format the target type accepts.</exception>
    /// <exception cref="InvalidCastException">The value cannot become the target type.</exception>
    public static T? Convert<T>(object? value) => Convert(value, typeof(T)) is T typed ? typed : default;

    /// <summary>Converts a value.</summary>
    /// <param name="value">The value.</param>
    /// <param name="targetType">The target type.</param>
    /// <returns>The converted value.</returns>
    /// <exception cref="FormatException">The text is not in a format the target type accepts.</exception>
    /// <exception cref="InvalidCastException">The value cannot become the target type.</exception>
    public static object? Convert(object? value, Type targetType)
    {
        ArgumentNullException.ThrowIfNull(targetType);
        value = PlainJson.Normalize(value);
        var underlying = Nullable.GetUnderlyingType(targetType) ?? targetType;
        if (value is null)
        {
            return null;
        }

        if (underlying == typeof(object) || underlying.IsInstanceOfType(value))
        {
            return value;
        }

        if (underlying == typeof(string))
        {
            return value switch
            {
                string text => text,
                bool flag => flag ? "true" : "false",
                IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
                IDictionary or IList => JsonSerializer.Serialize(value),
                _ => value.ToString(),
            };
        }

        if (value is string s)
        {
            if (string.IsNullOrWhiteSpace(s))
            {
                return null;
            }

            return FromString(s.Trim(), underlying);
        }

        if (underlying.IsEnum)
        {
            return Enum.ToObject(underlying, System.Convert.ToInt64(value, CultureInfo.InvariantCulture));
        }

        if (value is IConvertible && underlying.IsPrimitive || underlying == typeof(decimal))
        {
            return System.Convert.ChangeType(value, underlying, CultureInfo.InvariantCulture);
        }

        // Structured values (dictionaries, lists) become records, arrays or lists through JSON.
        return JsonSerializer.Deserialize(JsonSerializer.SerializeToUtf8Bytes(value), targetType, WebOptions);
    }

    private static object? FromString(string text, Type type)
    {
        if (type == typeof(bool))
        {
            return bool.Parse(text);
        }

        if (type == typeof(TimeSpan))
        {
            return text.StartsWith('P') || text.StartsWith("-P", StringComparison.Ordinal)
                ? XmlConvert.ToTimeSpan(text)
                : TimeSpan.Parse(text, CultureInfo.InvariantCulture);
        }

        if (type == typeof(DateTimeOffset))
        {
            return DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);
        }

        if (type == typeof(DateTime))
        {
            return DateTime.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal);
        }

        if (type == typeof(Guid))
        {
            return Guid.Parse(text);
        }

        if (type.IsEnum)
        {
            return Enum.Parse(type, text, ignoreCase: true);
        }

        if (type.IsPrimitive || type == typeof(decimal))
        {
            return System.Convert.ChangeType(text, type, CultureInfo.InvariantCulture);
        }

        if (text.StartsWith('[') || text.StartsWith('{'))
        {
            return JsonSerializer.Deserialize(text, type, WebOptions);
        }

        if (type == typeof(string[]) || type.IsAssignableFrom(typeof(List<string>)))
        {
            var items = text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
            return type == typeof(string[]) ? items : items.ToList();
        }

        throw new InvalidCastException($"Text cannot be converted to {type.Name}.");
    }
}
