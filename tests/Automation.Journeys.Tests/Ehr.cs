using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;

namespace Automation.Journeys.Tests;

/// <summary>The small, hand-built population each journey case runs on.</summary>
internal static class Ehr
{
    private static readonly FhirJsonDeserializer Deserializer = new(new DeserializerSettings().UsingMode(DeserializationMode.Recoverable));

    public static Resource Parse(string json) => Deserializer.DeserializeResource(json);

    /// <summary>A patient in New York (America/New_York) with an e-mail address.</summary>
    public static Resource Patient(string id, string given, string email, string birthDate = "1985-04-02") => Parse($$"""
        {"resourceType":"Patient","id":"{{id}}","meta":{"versionId":"1"},"name":[{"family":"Tester","given":["{{given}}"]}],
         "telecom":[{"system":"email","value":"{{email}}"}],"gender":"female","birthDate":"{{birthDate}}",
         "address":[{"city":"Albany","state":"NY","postalCode":"12207","country":"US"}]}
        """);

    /// <summary>An active e-mail consent permit for a purpose code (TREAT, HMARKT).</summary>
    public static Resource Consent(string id, string patientId, string purpose) => Parse($$$"""
        {"resourceType":"Consent","id":"{{{id}}}","meta":{"versionId":"1"},"status":"active",
         "scope":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/consentscope","code":"patient-privacy"}]},
         "category":[{"coding":[{"system":"http://loinc.org","code":"59284-0"}]}],"patient":{"reference":"Patient/{{{patientId}}}"},"dateTime":"2026-01-05T10:00:00Z",
         "policyRule":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/v3-ActCode","code":"OPTIN"}]},
         "provision":{"type":"permit","period":{"start":"2026-01-05T10:00:00Z"},
          "extension":[{"url":"https://automation.example.org/fhir/StructureDefinition/consent-channel","valueCoding":{"system":"http://hl7.org/fhir/contact-point-system","code":"email"}}],
          "purpose":[{"system":"http://terminology.hl7.org/CodeSystem/v3-ActReason","code":"{{{purpose}}}"}]}}
        """);

    /// <summary>A coverage of the patient's: <paramref name="kind"/> "medicare" is the plan the enrollment journey's goal asks for.</summary>
    public static Resource Coverage(string id, string patientId, string kind, string start) => Parse($$$"""
        {"resourceType":"Coverage","id":"{{{id}}}","meta":{"versionId":"1"},"status":"active",
         "type":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/v3-ActCode","code":"{{{(kind == "medicare" ? "SUBSIDMC" : "EHCPOL")}}}"}],"text":"{{{(kind == "medicare" ? "Medicare Part A and B" : "Employer health plan")}}}"},
         "beneficiary":{"reference":"Patient/{{{patientId}}}"},"payor":[{"display":"{{{(kind == "medicare" ? "CMS" : "Acme Health")}}}"}],"period":{"start":"{{{start}}}"}}
        """);

    /// <summary>Type 2 diabetes (ICD-10-CM E11.9) on the problem list, active.</summary>
    public static Resource Diabetes(string id, string patientId) => Parse($$$"""
        {"resourceType":"Condition","id":"{{{id}}}","meta":{"versionId":"1"},
         "clinicalStatus":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/condition-clinical","code":"active"}]},
         "code":{"coding":[{"system":"http://hl7.org/fhir/sid/icd-10-cm","code":"E11.9","display":"Type 2 diabetes mellitus without complications"}]},
         "subject":{"reference":"Patient/{{{patientId}}}"},"onsetDateTime":"2019-03-01"}
        """);

    /// <summary>An HbA1c result (LOINC 4548-4) in percent.</summary>
    public static Resource HbA1c(string id, string patientId, decimal percent, string at) => Parse($$$"""
        {"resourceType":"Observation","id":"{{{id}}}","meta":{"versionId":"1"},"status":"final",
         "code":{"coding":[{"system":"http://loinc.org","code":"4548-4","display":"Hemoglobin A1c/Hemoglobin.total in Blood"}]},
         "subject":{"reference":"Patient/{{{patientId}}}"},"effectiveDateTime":"{{{at}}}",
         "valueQuantity":{"value":{{{percent.ToString(System.Globalization.CultureInfo.InvariantCulture)}}},"unit":"%","system":"http://unitsofmeasure.org","code":"%"}}
        """);

    /// <summary>A finished ambulatory visit on <paramref name="date"/> (what the "overdue" stage looks at).</summary>
    public static Resource Visit(string id, string patientId, string date) => Parse($$$"""
        {"resourceType":"Encounter","id":"{{{id}}}","meta":{"versionId":"1"},"status":"finished",
         "class":{"system":"http://terminology.hl7.org/CodeSystem/v3-ActCode","code":"AMB"},
         "subject":{"reference":"Patient/{{{patientId}}}"},"period":{"start":"{{{date}}}T14:00:00Z","end":"{{{date}}}T14:30:00Z"}}
        """);

    /// <summary>The population as a FHIR bulk export writes it: one NDJSON file per resource type.</summary>
    public static void Export(IEnumerable<Resource> resources, string directory)
    {
        var serializer = new FhirJsonSerializer();
        Directory.CreateDirectory(directory);
        foreach (var type in resources.GroupBy(r => r.TypeName))
        {
            File.WriteAllLines(Path.Combine(directory, type.Key + ".ndjson"),
                type.Select(r => System.Text.Json.Nodes.JsonNode.Parse(serializer.SerializeToString(r))!.ToJsonString()));
        }
    }

    public static Appointment Appointment(string id, string patientId, DateTimeOffset start, Appointment.AppointmentStatus status = Hl7.Fhir.Model.Appointment.AppointmentStatus.Booked) => new()
    {
        Id = id,
        Meta = new Meta { VersionId = "1", LastUpdated = start.AddDays(-10) },
        Status = status,
        Start = start,
        End = start.AddMinutes(30),
        Description = "Annual check-up",
        Participant =
        [
            new Appointment.ParticipantComponent { Actor = new ResourceReference("Patient/" + patientId), Status = ParticipationStatus.Accepted },
            new Appointment.ParticipantComponent { Actor = new ResourceReference("Practitioner/dr-rivera") { Display = "Dr. Rivera" }, Status = ParticipationStatus.Accepted },
            new Appointment.ParticipantComponent { Actor = new ResourceReference("Location/main") { Display = "Main Street Clinic" }, Status = ParticipationStatus.Accepted },
        ],
    };
}
