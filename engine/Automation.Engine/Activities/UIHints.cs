namespace Automation.Engine.Activities;

/// <summary>The editor names Elsa Studio understands.</summary>
public static class UIHints
{
    /// <summary>A single-line text box.</summary>
    public const string SingleLine = "singleline";
    /// <summary>A multi-line text box.</summary>
    public const string MultiLine = "multiline";
    /// <summary>A checkbox.</summary>
    public const string Checkbox = "checkbox";
    /// <summary>A dropdown of <see cref="InputAttribute.Options"/>.</summary>
    public const string Dropdown = "dropdown";
    /// <summary>A code editor.</summary>
    public const string CodeEditor = "code-editor";
    /// <summary>A JSON editor.</summary>
    public const string JsonEditor = "json-editor";
    /// <summary>A list of strings that become the activity's outcomes (FlowFork branches).</summary>
    public const string DynamicOutcomes = "dynamic-outcomes";
    /// <summary>The FlowSwitch case editor.</summary>
    public const string FlowSwitchEditor = "flow-switch-editor";
    /// <summary>A variable picker.</summary>
    public const string VariablePicker = "variable-picker";
    /// <summary>A date-time picker.</summary>
    public const string DateTimePicker = "datetime-picker";
}
