namespace Automation.Engine.Activities;

/// <summary>
/// Declares that an outcome was renamed: connections saved under the former name (definitions stored before the
/// rename) leave from the current outcome, so those definitions still validate and run.
/// </summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false, AllowMultiple = true)]
public sealed class RenamedOutcomeAttribute : Attribute
{
    /// <summary>Creates the attribute.</summary>
    /// <param name="former">The name connections may still use.</param>
    /// <param name="current">The outcome (one of <see cref="FlowNodeAttribute.Outcomes"/>) it now means.</param>
    public RenamedOutcomeAttribute(string former, string current)
    {
        Former = former;
        Current = current;
    }

    /// <summary>The former name.</summary>
    public string Former { get; }

    /// <summary>The current outcome.</summary>
    public string Current { get; }
}
