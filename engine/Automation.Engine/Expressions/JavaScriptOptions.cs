namespace Automation.Engine.Expressions;

/// <summary>Sandbox limits for JavaScript expressions (Jint). Scripts run in strict mode without CLR access.</summary>
public sealed class JavaScriptOptions
{
    /// <summary>Wall-clock limit per evaluation. Default 1 second; at most 1 second.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Maximum statements per evaluation. Default 100,000.</summary>
    public int MaxStatements { get; set; } = 100_000;

    /// <summary>Maximum bytes a script may allocate. Default 16 MiB.</summary>
    public long MemoryLimitBytes { get; set; } = 16 * 1024 * 1024;

    /// <summary>Maximum call depth. Default 64.</summary>
    public int RecursionLimit { get; set; } = 64;
}
