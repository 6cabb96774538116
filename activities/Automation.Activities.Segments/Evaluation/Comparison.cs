namespace Automation.Activities.Segments.Evaluation;

/// <summary>Comparison operators for thresholds.</summary>
internal enum Comparison : byte
{
    Less,
    LessOrEqual,
    Greater,
    GreaterOrEqual,
    Equal,
    NotEqual,
}
