using Jint.Native;
using Jint.Native.Json;

namespace Automation.Engine.Expressions;

/// <summary>
/// Gives a script the instance's plain values as JavaScript values: what <c>JSON.parse</c> of their JSON would give,
/// built directly. Writing each global as JSON text and parsing it again cost more than the script: every new
/// <see cref="JsonParser"/> allocates its own tables for interning keys and strings. Values that are not plain JSON
/// (dates, records, JSON elements) still take that road, one value at a time, so they keep their JSON form.
/// </summary>
internal sealed class ScriptValues(Jint.Engine engine)
{
    private JsonParser? parser;

    public JsValue From(object? value)
    {
        switch (value)
        {
            case null:
                return JsValue.Null;
            case string text:
                return new JsString(text);
            case bool flag:
                return flag ? JsBoolean.True : JsBoolean.False;
            case long number:
                return JsNumber.Create(number);
            case int number:
                return JsNumber.Create(number);
            case double number when double.IsFinite(number):
                return JsNumber.Create(number);
            case Dictionary<string, object?> map:
                return ObjectFrom(map);
            case Dictionary<string, Dictionary<string, object?>> outputs:
                return ObjectFrom(outputs);
            case List<object?> list:
                var items = new JsValue[list.Count];
                for (var i = 0; i < items.Length; i++)
                {
                    items[i] = From(list[i]);
                }

                return new JsArray(engine, items);
            default:
                parser ??= new JsonParser(engine);
                return parser.Parse(System.Text.Json.JsonSerializer.Serialize(value));
        }
    }

    private JsObject ObjectFrom<TValue>(Dictionary<string, TValue> entries)
    {
        var result = new JsObject(engine);
        foreach (var (key, item) in entries)
        {
            // A data property even for "__proto__", as JSON.parse makes it; assignment would replace the prototype.
            result.FastSetDataProperty(key, From(item));
        }

        return result;
    }
}
