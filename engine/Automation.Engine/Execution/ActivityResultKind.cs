namespace Automation.Engine.Execution;

internal enum ActivityResultKind
{
    /// <summary>Nothing said: treated as completing with Done.</summary>
    None,
    Completed,
    CompletedWithoutOutcome,
    Suspended,
    Faulted,
    FinishedWorkflow,
}
