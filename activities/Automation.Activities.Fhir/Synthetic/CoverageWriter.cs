namespace Automation.Activities.Fhir.Synthetic;

/// <summary>Writes the patient's current Coverage: commercial, Medicare, Medicaid or self-pay (documented in the README).</summary>
internal static class CoverageWriter
{
    public static void Write(ChunkBuffers buffers, PatientProfile p, Random r)
    {
        var (payerCode, payerDisplay, actCode, text) = p.Coverage switch
        {
            CoverageKind.Medicare => ("1", "MEDICARE", "PUBLICPOL", "Medicare"),
            CoverageKind.Medicaid => ("2", "MEDICAID", "PUBLICPOL", "Medicaid"),
            CoverageKind.SelfPay => ("81", "Self-pay", "pay", "Self-pay"),
            _ => ("5", "PRIVATE HEALTH INSURANCE", "HIP", "Commercial"),
        };
        var start = Start(p, r);
        var w = buffers.Begin(NdjsonFile.Coverage);
        w.WriteStartObject();
        w.WriteString("resourceType"u8, "Coverage"u8);
        Json.Id(w, "cov", p, 1);
        w.WriteString("status"u8, "active"u8);
        w.WriteStartObject("type"u8);
        w.WriteStartArray("coding"u8);
        Json.Coding(w, Systems.PayerType, payerCode, payerDisplay);
        if (p.Coverage == CoverageKind.SelfPay)
        {
            Json.Coding(w, "http://terminology.hl7.org/CodeSystem/coverage-selfpay", "pay", "Pay");
        }
        else
        {
            Json.Coding(w, Systems.ActCode, actCode, actCode == "HIP" ? "health insurance plan policy" : "public healthcare");
        }

        w.WriteEndArray();
        w.WriteString("text"u8, text);
        w.WriteEndObject();
        if (p.Coverage != CoverageKind.SelfPay)
        {
            w.WriteString("subscriberId"u8, $"{text[0]}{r.Next(10_000_000, 100_000_000)}");
        }

        Json.Reference(w, "beneficiary"u8, p);
        Json.Concept(w, "relationship"u8, "http://terminology.hl7.org/CodeSystem/subscriber-relationship", p.Age < 18 ? "child" : "self", p.Age < 18 ? "Child" : "Self");
        w.WriteStartObject("period"u8);
        Json.Date(w, "start"u8, start);
        if (p.Coverage is CoverageKind.Commercial or CoverageKind.Medicaid)
        {
            Json.Date(w, "end"u8, new DateOnly(p.Today.Year, 12, 31));
        }

        w.WriteEndObject();
        w.WriteStartArray("payor"u8);
        if (p.Coverage == CoverageKind.SelfPay)
        {
            w.WriteStartObject();
            w.WriteString("reference"u8, p.Reference);
            w.WriteEndObject();
        }
        else
        {
            w.WriteStartObject();
            w.WriteString("display"u8, p.Coverage switch
            {
                CoverageKind.Medicare => "Centers for Medicare & Medicaid Services",
                CoverageKind.Medicaid => $"{p.Place.State} Medicaid",
                _ => r.Pick(Clinical.CommercialPayers),
            });
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteEndObject();
        buffers.End(NdjsonFile.Coverage);
    }

    private static DateOnly Start(PatientProfile p, Random r)
    {
        if (p.Coverage == CoverageKind.Medicare && p.Age >= 65)
        {
            return p.BirthDate.AddYears(65);
        }

        var from = p.Today.AddYears(-Math.Min(8, p.Age));
        var start = ConditionWriter.Between(from < p.BirthDate ? p.BirthDate : from, p.Today.AddDays(-1), r);
        return new DateOnly(start.Year, start.Month, 1) < p.BirthDate ? p.BirthDate : new DateOnly(start.Year, start.Month, 1);
    }
}
