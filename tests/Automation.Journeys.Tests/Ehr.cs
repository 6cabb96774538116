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
