namespace Automation.Activities.Fhir.Synthetic;

/// <summary>A condition coded in ICD-10-CM and SNOMED CT.</summary>
internal sealed record ConditionCode(Problems Problem, string Icd, string IcdDisplay, string Snomed, string SnomedDisplay);

/// <summary>An RxNorm medication and the condition it treats.</summary>
internal sealed record Medication(Problems For, string RxNorm, string Display, string Dosage, double Probability);

/// <summary>Clinical code tables.</summary>
internal static class Clinical
{
    public static readonly ConditionCode[] Conditions =
    [
        new(Problems.Diabetes, "E11.9", "Type 2 diabetes mellitus without complications", "44054006", "Diabetes mellitus type 2"),
        new(Problems.Hypertension, "I10", "Essential (primary) hypertension", "38341003", "Hypertensive disorder, systemic arterial"),
        new(Problems.Asthma, "J45.909", "Unspecified asthma, uncomplicated", "195967001", "Asthma"),
        new(Problems.Copd, "J44.9", "Chronic obstructive pulmonary disease, unspecified", "13645005", "Chronic obstructive lung disease"),
        new(Problems.Pregnancy, "Z33.1", "Pregnant state, incidental", "77386006", "Pregnancy"),
        new(Problems.Hyperlipidemia, "E78.5", "Hyperlipidemia, unspecified", "55822004", "Hyperlipidemia"),
        new(Problems.Depression, "F32.9", "Major depressive disorder, single episode, unspecified", "35489007", "Depressive disorder"),
        new(Problems.Obesity, "E66.9", "Obesity, unspecified", "414916001", "Obesity"),
    ];

    public static readonly Medication[] Medications =
    [
        new(Problems.Diabetes, "860975", "metformin hydrochloride 500 MG Extended Release Oral Tablet", "500 mg by mouth twice daily", 0.85),
        new(Problems.Hypertension, "314076", "lisinopril 10 MG Oral Tablet", "10 mg by mouth once daily", 0.7),
        new(Problems.Hyperlipidemia, "617312", "atorvastatin 40 MG Oral Tablet", "40 mg by mouth once daily", 0.65),
        new(Problems.Asthma | Problems.Copd, "745679", "albuterol 90 MCG/ACTUAT Metered Dose Inhaler", "2 puffs every 4-6 hours as needed", 0.8),
        new(Problems.Depression, "312940", "sertraline 50 MG Oral Tablet", "50 mg by mouth once daily", 0.55),
    ];

    /// <summary>Influenza vaccines (CVX).</summary>
    public static readonly (string Code, string Display)[] Influenza =
    [
        ("141", "Influenza, seasonal, injectable"),
        ("150", "Influenza, injectable, quadrivalent, preservative free"),
        ("158", "Influenza, injectable, quadrivalent, contains preservative"),
    ];

    /// <summary>COVID-19 vaccines (CVX).</summary>
    public static readonly (string Code, string Display)[] Covid =
    [
        ("208", "SARS-COV-2 (COVID-19) vaccine, mRNA, spike protein, LNP, preservative free, 30 mcg/0.3mL dose"),
        ("300", "SARS-COV-2 (COVID-19) vaccine, mRNA, spike protein, LNP, preservative free, 50 mcg/0.5mL dose"),
    ];

    public static readonly string[] Practitioners =
    [
        "Dr. Maria Lopez", "Dr. James Chen", "Dr. Aisha Patel", "Dr. Robert Kim", "Dr. Emily Nguyen", "Dr. David Cohen",
        "Dr. Sarah Johnson", "Dr. Michael Brown", "Dr. Linh Tran", "Dr. Carlos Rivera", "Dr. Grace Murphy", "Dr. Omar Haddad",
    ];

    public static readonly string[] Locations =
    [
        "Riverside Family Clinic", "Downtown Primary Care", "Northside Health Center", "Lakeview Medical Group",
        "St. Example Hospital Outpatient", "Hillcrest Pediatrics", "Eastgate Internal Medicine", "Westfield Women's Health",
    ];

    public static readonly (string Code, string Display, string Description)[] VisitTypes =
    [
        ("ROUTINE", "Routine appointment - default if not valued", "Annual wellness visit"),
        ("FOLLOWUP", "A follow up visit from a previous appointment", "Follow-up visit"),
        ("CHECKUP", "A routine check-up, such as an annual physical", "Check-up"),
    ];

    public static readonly string[] CommercialPayers = ["Acme Health Plan", "Blue Meadow Health", "Northwind Insurance", "Contoso Care"];

    public static readonly string[] Campaigns =
    [
        "flu-2026", "annual-wellness", "diabetes-education", "portal-onboarding", "appointment-reminder", "covid-booster", "plan-enrollment",
    ];
}
