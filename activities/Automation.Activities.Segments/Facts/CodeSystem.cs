namespace Automation.Activities.Segments.Facts;

/// <summary>Code systems a segment may name.</summary>
public enum CodeSystem : byte
{
    /// <summary>Any other system.</summary>
    Other,

    /// <summary>ICD-10-CM (<c>http://hl7.org/fhir/sid/icd-10-cm</c>).</summary>
    Icd10Cm,

    /// <summary>SNOMED CT (<c>http://snomed.info/sct</c>).</summary>
    Snomed,
}
