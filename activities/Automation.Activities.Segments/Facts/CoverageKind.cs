namespace Automation.Activities.Segments.Facts;

/// <summary>Kinds of coverage.</summary>
public enum CoverageKind : byte
{
    /// <summary>Commercial (private) insurance.</summary>
    Commercial,

    /// <summary>Medicare.</summary>
    Medicare,

    /// <summary>Medicaid.</summary>
    Medicaid,

    /// <summary>Self-pay.</summary>
    SelfPay,
}
