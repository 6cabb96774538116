using System.ComponentModel.DataAnnotations;

namespace Automation.Server.Audit;

/// <summary>Audit retention, bound from <c>Automation:Audit</c>.</summary>
public sealed class AuditOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Automation:Audit";

    /// <summary>How long records are kept before the daily purge may remove them (legal holds still apply).
    /// Default six years (<c>2192.00:00:00</c>).</summary>
    public TimeSpan Retention { get; set; } = Persistence.Audit.AuditLog.DefaultRetention;

    /// <summary>Whether the server purges records past retention once a day. Default <c>true</c>.</summary>
    public bool PurgeEnabled { get; set; } = true;

    /// <summary>Checks the options.</summary>
    /// <returns>Every problem, naming the setting.</returns>
    internal IEnumerable<string> Validate()
    {
        if (Retention < TimeSpan.FromDays(1))
        {
            yield return "Automation:Audit:Retention must be at least one day.";
        }
    }
}
