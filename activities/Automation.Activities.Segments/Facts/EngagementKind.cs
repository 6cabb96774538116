namespace Automation.Activities.Segments.Facts;

/// <summary>Kinds of behavioural event.</summary>
public enum EngagementKind : byte
{
    /// <summary>An e-mail open.</summary>
    Open,

    /// <summary>A click.</summary>
    Click,

    /// <summary>A portal sign-in.</summary>
    PortalLogin,

    /// <summary>A completed form.</summary>
    FormCompleted,
}
