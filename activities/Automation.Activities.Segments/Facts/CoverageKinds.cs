namespace Automation.Activities.Segments.Facts;

/// <summary>Reads a coverage kind from Coverage.type the way the patient context does (payer codings vary, the kind is
/// what segments ask for).</summary>
internal static class CoverageKinds
{
    public static CoverageKind FromType(string? code, string? text)
    {
        var value = (code + " " + text).ToUpperInvariant();
        if (value.Contains("MEDICARE", StringComparison.Ordinal) || value.Contains("SUBSIDMC", StringComparison.Ordinal))
        {
            return CoverageKind.Medicare;
        }

        if (value.Contains("MEDICAID", StringComparison.Ordinal) || value.Contains("SUBSID", StringComparison.Ordinal))
        {
            return CoverageKind.Medicaid;
        }

        return value.Contains("SELF", StringComparison.Ordinal) || (value.Contains("PAY", StringComparison.Ordinal) && !value.Contains("PAYER", StringComparison.Ordinal))
            ? CoverageKind.SelfPay
            : CoverageKind.Commercial;
    }
}
