namespace Automation.Activities.SecureSend.Sensitivity;

/// <summary>Whether a message is PHI, and why.</summary>
/// <param name="IsPhi">The message is PHI.</param>
/// <param name="Reason">Why (fields read, the ContainsPhi input, or an override of ContainsPhi=false); free of PHI.</param>
public sealed record SensitivityVerdict(bool IsPhi, string Reason)
{
    /// <summary>Combines what the templates read with the sender's <c>ContainsPhi</c> flag. A PHI template cannot be
    /// declared non-PHI: <c>ContainsPhi=false</c> is overridden and the override is named in the reason.</summary>
    /// <param name="fieldsRead">The PHI fields the subject and bodies read.</param>
    /// <param name="containsPhi">The sender's flag; <c>null</c> when not set.</param>
    /// <returns>The verdict.</returns>
    public static SensitivityVerdict Of(IReadOnlyCollection<string> fieldsRead, bool? containsPhi)
    {
        ArgumentNullException.ThrowIfNull(fieldsRead);
        if (fieldsRead.Count > 0)
        {
            var fields = string.Join(",", fieldsRead);
            return containsPhi == false
                ? new SensitivityVerdict(true, $"phi: template reads patient {fields}; ContainsPhi=false overridden")
                : new SensitivityVerdict(true, $"phi: template reads patient {fields}");
        }

        return containsPhi == true
            ? new SensitivityVerdict(true, "phi: ContainsPhi=true")
            : new SensitivityVerdict(false, "non-phi: no PHI fields read");
    }
}
