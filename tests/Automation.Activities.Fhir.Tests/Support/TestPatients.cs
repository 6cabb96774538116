using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;

namespace Automation.Activities.Fhir.Tests.Support;

/// <summary>Two small patients as Firely resources, and writing them as NDJSON files.</summary>
internal static class TestPatients
{
    public static List<Resource> All()
    {
        var ana = new Patient
        {
            Id = "p1",
            Name = [new HumanName { Use = HumanName.NameUse.Official, Given = ["Ana"], Family = "Lopez" }],
            BirthDate = "1958-03-14",
            Gender = AdministrativeGender.Female,
            Telecom = [new ContactPoint(ContactPoint.ContactPointSystem.Email, ContactPoint.ContactPointUse.Home, "ana@example.org")],
            Communication = [new Patient.CommunicationComponent { Language = new CodeableConcept("urn:ietf:bcp:47", "es"), Preferred = true }],
            Address = [new Address { Line = ["1 Main St"], City = "Springfield", State = "IL", PostalCode = "62701" }],
        };
        var ben = new Patient { Id = "p2", Name = [new HumanName { Given = ["Ben"], Family = "Ng" }], BirthDate = "1990-01-01", Gender = AdministrativeGender.Male };
        return
        [
            ana,
            ben,
            new Condition
            {
                Id = "c1", Subject = new ResourceReference("Patient/p1"),
                Code = new CodeableConcept { Coding = [new Coding("http://hl7.org/fhir/sid/icd-10-cm", "E11.9", "Type 2 diabetes"), new Coding("http://snomed.info/sct", "44054006")] },
                ClinicalStatus = new CodeableConcept("http://terminology.hl7.org/CodeSystem/condition-clinical", "active"),
                Onset = new FhirDateTime("2019-05-01"),
            },
            Lab("o1", "p1", "4548-4", 7.9m, "%", "2025-01-10"),
            Lab("o2", "p1", "4548-4", 8.4m, "%", "2026-06-10"),
            new Observation
            {
                Id = "o3", Status = ObservationStatus.Final, Subject = new ResourceReference("Patient/p1"), Effective = new FhirDateTime("2026-06-10"),
                Code = new CodeableConcept("http://loinc.org", "85354-9"),
                Component =
                [
                    new Observation.ComponentComponent { Code = new CodeableConcept("http://loinc.org", "8480-6"), Value = new Quantity(142, "mm[Hg]") },
                    new Observation.ComponentComponent { Code = new CodeableConcept("http://loinc.org", "8462-4"), Value = new Quantity(91, "mm[Hg]") },
                ],
            },
            new MedicationRequest
            {
                Id = "m1", Subject = new ResourceReference("Patient/p1"), Status = MedicationRequest.MedicationrequestStatus.Active,
                Intent = MedicationRequest.MedicationRequestIntent.Order, Medication = new CodeableConcept("http://www.nlm.nih.gov/research/umls/rxnorm", "860975"),
                AuthoredOn = "2024-02-02",
            },
            new Immunization { Id = "i1", Patient = new ResourceReference("Patient/p1"), Status = Immunization.ImmunizationStatusCodes.Completed, VaccineCode = new CodeableConcept("http://hl7.org/fhir/sid/cvx", "158"), Occurrence = new FhirDateTime("2025-10-01") },
            NewAppointment("a1", "p1", Appointment.AppointmentStatus.Booked, "2026-12-03T09:30:00Z"),
            NewAppointment("a2", "p1", Appointment.AppointmentStatus.Noshow, "2026-05-03T09:30:00Z"),
            NewAppointment("a3", "p2", Appointment.AppointmentStatus.Booked, "2026-12-05T14:00:00Z"),
            new Encounter { Id = "e1", Subject = new ResourceReference("Patient/p1"), Status = Encounter.EncounterStatus.Finished, Class = new Coding("http://terminology.hl7.org/CodeSystem/v3-ActCode", "IMP"), Period = new Period { Start = "2026-01-02", End = "2026-01-05" } },
            new Coverage { Id = "cov1", Beneficiary = new ResourceReference("Patient/p1"), Status = FinancialResourceStatusCodes.Active, Type = new CodeableConcept("http://terminology.hl7.org/CodeSystem/v3-ActCode", "SUBSIDMC", "Medicare"), Payor = [new ResourceReference { Display = "CMS" }] },
            new Hl7.Fhir.Model.Consent
            {
                Id = "k1", Status = Hl7.Fhir.Model.Consent.ConsentState.Active, Patient = new ResourceReference("Patient/p1"),
                Scope = new CodeableConcept("http://terminology.hl7.org/CodeSystem/consentscope", "patient-privacy"),
                Category = [new CodeableConcept("http://loinc.org", "59284-0")],
                Provision = new Hl7.Fhir.Model.Consent.provisionComponent
                {
                    Type = Hl7.Fhir.Model.Consent.ConsentProvisionType.Permit,
                    Purpose = [new Coding("http://terminology.hl7.org/CodeSystem/v3-ActReason", "HMARKT")],
                    Action = [new CodeableConcept("http://example.org/channel", "email")],
                    Period = new Period { Start = "2025-01-01", End = "2027-01-01" },
                },
            },
        ];
    }

    public static string WriteNdjson(IEnumerable<Resource> resources)
    {
        var directory = Directory.CreateTempSubdirectory("automation-fhir-").FullName;
        var serializer = new FhirJsonSerializer();
        foreach (var group in resources.GroupBy(r => r.TypeName))
        {
            File.WriteAllLines(Path.Combine(directory, group.Key + ".ndjson"), group.Select(r => serializer.SerializeToString(r)));
        }

        return directory;
    }

    private static Observation Lab(string id, string patient, string loinc, decimal value, string unit, string at) => new()
    {
        Id = id, Status = ObservationStatus.Final, Subject = new ResourceReference("Patient/" + patient), Effective = new FhirDateTime(at),
        Code = new CodeableConcept("http://loinc.org", loinc), Value = new Quantity(value, unit),
    };

    private static Appointment NewAppointment(string id, string patient, Appointment.AppointmentStatus status, string start) => new()
    {
        Id = id, Status = status, Start = DateTimeOffset.Parse(start, System.Globalization.CultureInfo.InvariantCulture),
        End = DateTimeOffset.Parse(start, System.Globalization.CultureInfo.InvariantCulture).AddMinutes(30),
        Participant =
        [
            new Appointment.ParticipantComponent { Actor = new ResourceReference("Patient/" + patient), Status = ParticipationStatus.Accepted },
            new Appointment.ParticipantComponent { Actor = new ResourceReference("Practitioner/dr1") { Display = "Dr. Rivera" }, Status = ParticipationStatus.Accepted },
            new Appointment.ParticipantComponent { Actor = new ResourceReference("Location/l1") { Display = "Springfield Clinic" }, Status = ParticipationStatus.Accepted },
        ],
    };
}
