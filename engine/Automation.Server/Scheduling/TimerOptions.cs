namespace Automation.Server.Scheduling;

/// <summary>Timer settings, bound from <c>Automation:Timers</c>.</summary>
public sealed class TimerOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Automation:Timers";

    /// <summary>The longest a node goes without looking at the store's earliest timer. A node wakes up exactly for the
    /// timers it stored itself; timers stored by another node, or left by a node that stopped, fire at most this late.
    /// Default 30 seconds.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(30);
}
