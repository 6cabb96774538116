namespace Automation.Activities.Segments.Facts;

/// <summary>Encounter classes segments distinguish.</summary>
public enum EncounterClass : byte
{
    /// <summary>Any other class.</summary>
    Other,

    /// <summary>Ambulatory (AMB).</summary>
    Ambulatory,

    /// <summary>Inpatient (IMP).</summary>
    Inpatient,

    /// <summary>Emergency (EMER).</summary>
    Emergency,

    /// <summary>Virtual (VR).</summary>
    Virtual,
}
