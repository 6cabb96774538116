using Automation.Activities.Fhir.Patients;

namespace Automation.Activities.Consent.Registry;

/// <summary>
/// Decides whether a patient may be contacted for a purpose on a channel, from their FHIR Consent resources and our
/// opt-in/opt-out records. A pure function of its arguments (the clock is an argument), so every precedence case is
/// testable. Fail closed; the rules, in order:
/// <list type="number">
/// <item>An active FHIR deny whose period covers now denies (<see cref="ConsentRules.FhirDeny"/>). A deny without
/// purposes denies every purpose; without channels, every channel. Only the EHR can lift it.</item>
/// <item>Otherwise the latest of our records for the purpose and channel (a record for channel <c>all</c> counts for
/// each channel; at the same instant an opt-out beats an opt-in) decides when it is at least as recent as the newest
/// current FHIR permit (<see cref="ConsentRules.OptInRecord"/>, <see cref="ConsentRules.OptOutRecord"/>).</item>
/// <item>Otherwise an active FHIR permit that names the purpose (HMARKT for marketing, TREAT or ETREAT for treatment)
/// and covers the channel and now grants (<see cref="ConsentRules.FhirPermit"/>). A FHIR Consent's time is its
/// <c>dateTime</c>, else its period start; one with neither is older than any record.</item>
/// <item>Otherwise denied, naming why the latest permit did not count: revoked (status inactive, rejected or
/// entered-in-error), expired (period ended), not yet valid, or no consent at all.</item>
/// </list>
/// </summary>
public static class ConsentEvaluator
{
    /// <summary>Decides one check.</summary>
    /// <param name="purpose">The purpose, such as <c>marketing</c> or <c>treatment</c>.</param>
    /// <param name="channel">The channel: <c>email</c>, <c>sms</c> (or <c>all</c>: only consents covering every channel count).</param>
    /// <param name="consents">The patient's FHIR Consent facts.</param>
    /// <param name="records">The patient's opt-in/opt-out records, in any order.</param>
    /// <param name="now">The instant the check is made.</param>
    /// <returns>The decision with its rule and evidence.</returns>
    /// <exception cref="ArgumentException">The purpose or channel is not well formed.</exception>
    public static ConsentDecision Decide(string purpose, string channel, IReadOnlyList<ConsentFact> consents, IReadOnlyList<ConsentRecord> records, DateTimeOffset now)
    {
        if (!ConsentPurposes.IsValid(purpose))
        {
            throw new ArgumentException("The purpose must be a lower-case token such as 'marketing' or 'treatment'.", nameof(purpose));
        }

        if (!ConsentChannels.IsValid(channel))
        {
            throw new ArgumentException("The channel must be 'email', 'sms' or 'all'.", nameof(channel));
        }

        ArgumentNullException.ThrowIfNull(consents);
        ArgumentNullException.ThrowIfNull(records);
        var codes = ConsentPurposes.FhirCodes(purpose);

        ConsentFact? currentPermit = null;
        ConsentFact? lapsedPermit = null;
        foreach (var consent in consents)
        {
            var isDeny = string.Equals(consent.Decision, "deny", StringComparison.OrdinalIgnoreCase);
            var isPermit = string.Equals(consent.Decision, "permit", StringComparison.OrdinalIgnoreCase);
            if (!(isDeny || isPermit) || !CoversChannel(consent.Channels, channel))
            {
                continue;
            }

            if (isDeny)
            {
                // A deny with no purpose refuses everything: reading it narrowly would fail open.
                if ((consent.Purposes.Count == 0 || NamesPurpose(consent.Purposes, codes)) && IsActive(consent) && Covers(consent, now))
                {
                    return new ConsentDecision(false, ConsentRules.FhirDeny, Evidence(consent));
                }

                continue;
            }

            // A permit counts only when it names the purpose: a general permit is not an explicit marketing permit.
            if (!NamesPurpose(consent.Purposes, codes))
            {
                continue;
            }

            if (IsActive(consent) && Covers(consent, now))
            {
                if (currentPermit is null || Later(AssertedAt(consent), AssertedAt(currentPermit)))
                {
                    currentPermit = consent;
                }
            }
            else if (lapsedPermit is null || Later(AssertedAt(consent), AssertedAt(lapsedPermit)))
            {
                lapsedPermit = consent;
            }
        }

        var latest = LatestRecord(records, purpose, channel);
        if (latest is not null && (currentPermit is null || AssertedAt(currentPermit) is not { } permitAt || latest.RecordedAt >= permitAt))
        {
            var optIn = latest.Kind == ConsentRecordKind.OptIn;
            return new ConsentDecision(optIn, optIn ? ConsentRules.OptInRecord : ConsentRules.OptOutRecord, new ConsentEvidence(ConsentEvidence.Record, latest.RecordId, null));
        }

        if (currentPermit is not null)
        {
            return new ConsentDecision(true, ConsentRules.FhirPermit, Evidence(currentPermit));
        }

        if (lapsedPermit is null)
        {
            return new ConsentDecision(false, ConsentRules.NoConsent, null);
        }

        var rule = !IsActive(lapsedPermit) ? (IsRevoked(lapsedPermit) ? ConsentRules.FhirPermitRevoked : ConsentRules.NoConsent)
            : lapsedPermit.End is { } end && end < now ? ConsentRules.FhirPermitExpired
            : ConsentRules.FhirPermitNotYetValid;
        return new ConsentDecision(false, rule, Evidence(lapsedPermit));
    }

    private static ConsentRecord? LatestRecord(IReadOnlyList<ConsentRecord> records, string purpose, string channel)
    {
        ConsentRecord? latest = null;
        foreach (var record in records)
        {
            if (record.Purpose != purpose || !(record.Channel == ConsentChannels.All || record.Channel == channel))
            {
                continue;
            }

            if (latest is null
                || record.RecordedAt > latest.RecordedAt
                || (record.RecordedAt == latest.RecordedAt && (record.Kind > latest.Kind
                    || (record.Kind == latest.Kind && string.CompareOrdinal(record.RecordId, latest.RecordId) > 0))))
            {
                latest = record;
            }
        }

        return latest;
    }

    private static bool CoversChannel(IReadOnlyList<string> channels, string channel)
    {
        if (channels.Count == 0)
        {
            return true;
        }

        foreach (var covered in channels)
        {
            if (string.Equals(covered, channel, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    private static bool NamesPurpose(IReadOnlyList<string> purposes, IReadOnlyList<string> codes)
    {
        foreach (var purpose in purposes)
        {
            foreach (var code in codes)
            {
                if (string.Equals(purpose, code, StringComparison.OrdinalIgnoreCase))
                {
                    return true;
                }
            }
        }

        return false;
    }

    private static bool IsActive(ConsentFact consent) => string.Equals(consent.Status, "active", StringComparison.OrdinalIgnoreCase);

    private static bool IsRevoked(ConsentFact consent) =>
        consent.Status.ToLowerInvariant() is "inactive" or "rejected" or "entered-in-error";

    private static bool Covers(ConsentFact consent, DateTimeOffset now) =>
        (consent.Start is not { } start || start <= now) && (consent.End is not { } end || now <= end);

    private static DateTimeOffset? AssertedAt(ConsentFact consent) => consent.DateTime ?? consent.Start;

    private static bool Later(DateTimeOffset? a, DateTimeOffset? b) => (a ?? DateTimeOffset.MinValue) > (b ?? DateTimeOffset.MinValue);

    private static ConsentEvidence Evidence(ConsentFact consent) => new(ConsentEvidence.FhirConsent, consent.Id, consent.VersionId);
}
