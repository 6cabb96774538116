namespace Automation.Engine.Activities.Core;

/// <summary>Cron parsing through Quartz, accepting the 5-field Unix form and the 6-field form Elsa (Cronos) writes.</summary>
public static class CronSchedule
{
    /// <summary>Converts an expression to Quartz syntax: seconds are prepended to 5-field expressions and '?' is put in
    /// the day-of-week field when both day fields are '*'.</summary>
    /// <param name="expression">The expression.</param>
    /// <returns>The Quartz expression.</returns>
    /// <exception cref="FormatException">The expression is not valid cron.</exception>
    public static string ToQuartz(string expression)
    {
        ArgumentNullException.ThrowIfNull(expression);
        var fields = expression.Split(' ', StringSplitOptions.RemoveEmptyEntries).ToList();
        if (fields.Count == 5)
        {
            fields.Insert(0, "0");
        }

        if (fields.Count is < 6 or > 7)
        {
            throw new FormatException($"'{expression}' has {fields.Count} fields; cron needs 5, 6 or 7.");
        }

        if (fields[3] != "?" && fields[5] != "?")
        {
            if (fields[5] == "*")
            {
                fields[5] = "?";
            }
            else if (fields[3] == "*")
            {
                fields[3] = "?";
            }
        }

        var quartz = string.Join(' ', fields);
        try
        {
            _ = new Quartz.CronExpression(quartz);
        }
        catch (FormatException exception)
        {
            throw new FormatException($"'{expression}' is not a valid cron expression: {exception.Message}", exception);
        }

        return quartz;
    }

    /// <summary>The next occurrence strictly after <paramref name="after"/>, in UTC.</summary>
    /// <param name="expression">The expression (any accepted form).</param>
    /// <param name="after">The instant to search from.</param>
    /// <returns>The next occurrence, or <c>null</c> when there is none.</returns>
    /// <exception cref="FormatException">The expression is not valid cron.</exception>
    public static DateTimeOffset? NextAfter(string expression, DateTimeOffset after)
    {
        var cron = new Quartz.CronExpression(ToQuartz(expression), TimeZoneInfo.Utc);
        return cron.GetNextValidTimeAfter(after);
    }
}
