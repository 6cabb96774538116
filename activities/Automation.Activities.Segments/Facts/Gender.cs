namespace Automation.Activities.Segments.Facts;

/// <summary>Administrative gender.</summary>
public enum Gender : byte
{
    /// <summary>Not recorded.</summary>
    Unknown,

    /// <summary>Male.</summary>
    Male,

    /// <summary>Female.</summary>
    Female,

    /// <summary>Other.</summary>
    Other,
}
