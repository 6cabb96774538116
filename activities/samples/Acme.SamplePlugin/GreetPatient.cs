using Automation.Engine.Activities;

namespace Acme.SamplePlugin;

/// <summary>
/// A sample plugin activity: composes a greeting in the patient's preferred language. It shows the whole SDK surface a
/// plugin needs: the <see cref="ActivityAttribute"/> identity, typed inputs with UI hints and defaults, an output, and
/// custom outcomes.
/// </summary>
[Activity("Acme", "Samples", "Composes a greeting in the patient's language.", DisplayName = "Greet Patient")]
[FlowNode("Greeted", "UnknownLanguage")]
public sealed class GreetPatient : Activity
{
    private static readonly Dictionary<string, string> Greetings = new(StringComparer.OrdinalIgnoreCase)
    {
        ["en"] = "Hello",
        ["es"] = "Hola",
        ["fr"] = "Bonjour",
    };

    /// <summary>The first name to greet.</summary>
    [Input(Description = "The first name to greet.", Required = true)]
    public Input<string> FirstName { get; set; } = new();

    /// <summary>The language code.</summary>
    [Input(Description = "The patient's preferred language.", Options = ["en", "es", "fr"], DefaultValue = "en")]
    public Input<string> Language { get; set; } = new();

    /// <summary>Whether to use the formal form of address (a checkbox in the designer).</summary>
    [Input(Description = "Use the formal form of address.")]
    public Input<bool> Formal { get; set; } = new();

    /// <summary>A closing line appended to the greeting (a multi-line editor in the designer).</summary>
    [Input(Description = "A closing line appended to the greeting.", UIHint = UIHints.MultiLine)]
    public Input<string> Closing { get; set; } = new();

    /// <summary>The greeting.</summary>
    [Output(Description = "The composed greeting.")]
    public Output<string> Greeting { get; set; } = new();

    /// <inheritdoc />
    public override ValueTask ExecuteAsync(ActivityExecutionContext context)
    {
        if (!Greetings.TryGetValue(context.Get(Language) ?? "", out var word))
        {
            context.Complete("UnknownLanguage");
            return ValueTask.CompletedTask;
        }

        var name = context.Get(Formal) ? "dear " + context.Get(FirstName) : context.Get(FirstName);
        var closing = context.Get(Closing);
        var greeting = string.IsNullOrWhiteSpace(closing) ? $"{word}, {name}!" : $"{word}, {name}! {closing}";
        context.Set(Greeting, greeting);
        context.WriteLine(greeting);
        context.Complete("Greeted");
        return ValueTask.CompletedTask;
    }
}
