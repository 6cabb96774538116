// Firely's POCOs mark every element nullable; these assertions navigate deep into them, so null-state warnings are off here.
#nullable disable warnings
using Hl7.Fhir.Model;

namespace Automation.Activities.Fhir.Tests;

/// <summary>The realistic mixes documented in the README hold for a 300-patient population.</summary>
public sealed class MixTests(PopulationFixture population) : IClassFixture<PopulationFixture>
{
    private static readonly DateTime Today = new(2026, 11, 27, 0, 0, 0, DateTimeKind.Utc);

    private Dictionary<string, Patient> Patients => population.All<Patient>().ToDictionary(p => "Patient/" + p.Id);

    private static int Age(Patient p)
    {
        var birth = DateOnly.Parse(p.BirthDate!, System.Globalization.CultureInfo.InvariantCulture);
        var age = 2026 - birth.Year;
        return birth.AddYears(age) > new DateOnly(2026, 11, 27) ? age - 1 : age;
    }

    private static bool HasCode(CodeableConcept? concept, string system, string code) =>
        concept?.Coding.Any(c => c.System == system && c.Code == code) == true;

    [Fact]
    public void Demographics_SpanAgesGendersLanguagesAndStates()
    {
        var patients = population.All<Patient>().ToList();
        var ages = patients.Select(Age).ToList();
        Assert.InRange(ages.Min(), 0, 5);
        Assert.InRange(ages.Max(), 80, 95);
        Assert.True(ages.Count(a => a >= 65) > 20);
        Assert.True(ages.Count(a => a < 18) > 30);
        Assert.InRange(patients.Count(p => p.Gender == AdministrativeGender.Female), 120, 180);
        Assert.InRange(patients.Count(p => p.Gender == AdministrativeGender.Male), 120, 180);
        var languages = patients.Select(p => p.Communication.Single().Language.Coding.Single().Code).ToList();
        Assert.InRange(languages.Count(l => l == "en"), 200, 260);
        Assert.InRange(languages.Count(l => l == "es"), 20, 60);
        Assert.True(languages.Distinct().Count() >= 5);
        Assert.All(patients, p => Assert.Matches(@"^\d{5}$", p.Address.Single().PostalCode));
        Assert.True(patients.Select(p => p.Address.Single().State).Distinct().Count() >= 10);
        Assert.Equal("606", patients.First(p => p.Address[0].City == "Chicago").Address[0].PostalCode[..3]);
    }

    [Fact]
    public void Telecom_EmailOnMostPatientsButNotAll()
    {
        var withEmail = population.All<Patient>().Count(p => p.Telecom.Any(t => t.System == ContactPoint.ContactPointSystem.Email && t.Value.EndsWith("@example.org", StringComparison.Ordinal)));
        Assert.InRange(withEmail, 225, 285);
        Assert.Contains(population.All<Patient>(), p => p.Telecom.Any(t => t.System == ContactPoint.ContactPointSystem.Phone));
    }

    [Fact]
    public void Coverage_MedicareForMostSeniors_OthersMixed()
    {
        var patients = Patients;
        var coverages = population.All<Coverage>().ToList();
        Assert.Equal(PopulationFixture.Patients, coverages.Count);
        var seniors = coverages.Where(c => Age(patients[c.Beneficiary!.Reference!]) >= 65).ToList();
        var medicare = seniors.Count(c => HasCode(c.Type, "https://nahdo.org/sopt", "1"));
        Assert.True(medicare >= seniors.Count * 0.8, $"{medicare} of {seniors.Count} seniors on Medicare");
        var younger = coverages.Except(seniors).ToList();
        Assert.Contains(younger, c => HasCode(c.Type, "https://nahdo.org/sopt", "2"));
        Assert.Contains(younger, c => HasCode(c.Type, "https://nahdo.org/sopt", "5"));
        Assert.Contains(younger, c => HasCode(c.Type, "https://nahdo.org/sopt", "81"));
        Assert.All(coverages, c => Assert.NotNull(c.Period.Start));
    }

    [Fact]
    public void Conditions_CarryIcd10AndSnomed_PregnancyOnlyForPlausibleFemales()
    {
        var patients = Patients;
        var conditions = population.All<Condition>().ToList();
        Assert.All(conditions, c =>
        {
            Assert.Contains(c.Code.Coding, x => x.System == "http://hl7.org/fhir/sid/icd-10-cm");
            Assert.Contains(c.Code.Coding, x => x.System == "http://snomed.info/sct");
            Assert.NotNull(c.Onset);
            Assert.NotNull(c.ClinicalStatus);
        });
        foreach (var icd in new[] { "E11.9", "I10", "J45.909", "E78.5", "F32.9", "Z33.1" })
        {
            Assert.Contains(conditions, c => HasCode(c.Code, "http://hl7.org/fhir/sid/icd-10-cm", icd));
        }

        var pregnant = conditions.Where(c => HasCode(c.Code, "http://snomed.info/sct", "77386006")).Select(c => patients[c.Subject!.Reference!]).ToList();
        Assert.All(pregnant, p =>
        {
            Assert.Equal(AdministrativeGender.Female, p.Gender);
            Assert.InRange(Age(p), 15, 44);
        });
    }

    [Fact]
    public void HbA1c_PresentForEveryDiabetic_AndHigherThanForOthers()
    {
        var diabetics = population.All<Condition>().Where(c => HasCode(c.Code, "http://hl7.org/fhir/sid/icd-10-cm", "E11.9")).Select(c => c.Subject!.Reference).ToHashSet();
        Assert.True(diabetics.Count >= 10);
        var a1c = population.All<Observation>().Where(o => HasCode(o.Code, "http://loinc.org", "4548-4")).ToList();
        Assert.All(diabetics, d => Assert.Contains(a1c, o => o.Subject!.Reference == d));
        var diabetic = a1c.Where(o => diabetics.Contains(o.Subject!.Reference)).Select(o => ((Quantity)o.Value).Value!.Value).ToList();
        var others = a1c.Where(o => !diabetics.Contains(o.Subject!.Reference)).Select(o => ((Quantity)o.Value).Value!.Value).ToList();
        Assert.NotEmpty(others);
        Assert.True(diabetic.Average() > others.Average() + 1.0m);
        Assert.All(a1c, o => Assert.Equal("%", ((Quantity)o.Value).Code));
    }

    [Fact]
    public void Observations_VitalsAndLabsFinal_WithinTheLastThreeYears()
    {
        var observations = population.All<Observation>().ToList();
        Assert.All(observations, o =>
        {
            Assert.Equal(ObservationStatus.Final, o.Status);
            var at = DateTimeOffset.Parse(((FhirDateTime)o.Effective).Value, System.Globalization.CultureInfo.InvariantCulture);
            Assert.InRange(at, new DateTimeOffset(Today.AddYears(-3)), new DateTimeOffset(Today));
        });
        var bp = observations.Where(o => HasCode(o.Code, "http://loinc.org", "85354-9")).ToList();
        Assert.NotEmpty(bp);
        Assert.All(bp, o => Assert.Equal(["8480-6", "8462-4"], o.Component.Select(c => c.Code.Coding[0].Code)));
        Assert.All(bp, o => Assert.All(o.Component, c => Assert.Equal("mm[Hg]", ((Quantity)c.Value).Code)));
        Assert.Contains(observations, o => HasCode(o.Code, "http://loinc.org", "39156-5") && ((Quantity)o.Value).Code == "kg/m2");
        Assert.Contains(observations, o => HasCode(o.Category.Single(), "http://terminology.hl7.org/CodeSystem/observation-category", "laboratory"));
    }

    [Fact]
    public void Medications_AndImmunizations_UseRxNormAndCvx()
    {
        var meds = population.All<MedicationRequest>().ToList();
        foreach (var rx in new[] { "860975", "314076", "617312", "745679" })
        {
            Assert.Contains(meds, m => HasCode((CodeableConcept)m.Medication, "http://www.nlm.nih.gov/research/umls/rxnorm", rx));
        }

        Assert.Contains(meds, m => m.Status == MedicationRequest.MedicationrequestStatus.Active);
        Assert.Contains(meds, m => m.Status == MedicationRequest.MedicationrequestStatus.Stopped);
        Assert.All(meds, m => Assert.Equal(MedicationRequest.MedicationRequestIntent.Order, m.Intent));
        var vaccines = population.All<Immunization>().Select(i => i.VaccineCode.Coding.Single()).ToList();
        Assert.All(vaccines, c => Assert.Equal("http://hl7.org/fhir/sid/cvx", c.System));
        Assert.Contains(vaccines, c => c.Code is "141" or "150" or "158");
        Assert.Contains(vaccines, c => c.Code is "208" or "300");
    }

    [Fact]
    public void Appointments_PastAndFuture_WithNoShowsAndDisplays()
    {
        var appointments = population.All<Appointment>().ToList();
        var future = appointments.Where(a => a.Start > new DateTimeOffset(Today)).ToList();
        var past = appointments.Where(a => a.Start < new DateTimeOffset(Today)).ToList();
        Assert.NotEmpty(future);
        Assert.All(future, a =>
        {
            Assert.Equal(Appointment.AppointmentStatus.Booked, a.Status);
            Assert.True(a.Start <= new DateTimeOffset(Today.AddDays(61)));
        });
        Assert.All(past, a => Assert.Contains(a.Status, new Appointment.AppointmentStatus?[] { Appointment.AppointmentStatus.Fulfilled, Appointment.AppointmentStatus.Noshow, Appointment.AppointmentStatus.Cancelled }));
        Assert.Contains(past, a => a.Status == Appointment.AppointmentStatus.Noshow);
        Assert.Contains(past, a => a.Status == Appointment.AppointmentStatus.Cancelled);
        Assert.True(past.Count(a => a.Status == Appointment.AppointmentStatus.Fulfilled) > past.Count / 2);
        Assert.All(appointments, a =>
        {
            Assert.True(a.End > a.Start);
            Assert.Equal(2, a.Participant.Count(p => p.Actor!.Display is not null));
        });
    }

    [Fact]
    public void Encounters_AmbulatoryAndInpatientStaysWithEnds()
    {
        var encounters = population.All<Encounter>().ToList();
        Assert.Contains(encounters, e => e.Class.Code == "AMB");
        var inpatient = encounters.Where(e => e.Class.Code == "IMP").ToList();
        Assert.NotEmpty(inpatient);
        Assert.All(inpatient, e =>
        {
            Assert.Equal("http://terminology.hl7.org/CodeSystem/v3-ActCode", e.Class.System);
            Assert.Equal(Encounter.EncounterStatus.Finished, e.Status);
            Assert.True(DateTimeOffset.Parse(e.Period.End, System.Globalization.CultureInfo.InvariantCulture) > DateTimeOffset.Parse(e.Period.Start, System.Globalization.CultureInfo.InvariantCulture).AddHours(12));
        });
    }

    [Fact]
    public void Consents_TreatmentForMost_MarketingPermitDenyExpiredRevoked()
    {
        var consents = population.All<Hl7.Fhir.Model.Consent>().ToList();
        Assert.All(consents, c =>
        {
            Assert.True(HasCode(c.Scope, "http://terminology.hl7.org/CodeSystem/consentscope", "patient-privacy"));
            Assert.True(HasCode(c.Category.Single(), "http://loinc.org", "59284-0"));
            Assert.NotNull(c.PolicyRule);
            Assert.Single(c.Provision.Extension, e => e.Url == "https://automation.example.org/fhir/StructureDefinition/consent-channel");
        });
        bool Purpose(Hl7.Fhir.Model.Consent c, string code) => c.Provision.Purpose.Any(p => p.System == "http://terminology.hl7.org/CodeSystem/v3-ActReason" && p.Code == code);
        Assert.True(consents.Count(c => Purpose(c, "TREAT") && c.Provision.Type == Hl7.Fhir.Model.Consent.ConsentProvisionType.Permit) > PopulationFixture.Patients * 0.8);
        var marketing = consents.Where(c => Purpose(c, "HMARKT")).ToList();
        Assert.Contains(marketing, c => c.Provision.Type == Hl7.Fhir.Model.Consent.ConsentProvisionType.Permit && c.Status == Hl7.Fhir.Model.Consent.ConsentState.Active && c.Provision.Period.End is null);
        Assert.Contains(marketing, c => c.Provision.Type == Hl7.Fhir.Model.Consent.ConsentProvisionType.Deny);
        Assert.Contains(marketing, c => c.Status == Hl7.Fhir.Model.Consent.ConsentState.Inactive);
        Assert.Contains(marketing, c => c.Provision.Period.End is { } end && DateTimeOffset.Parse(end, System.Globalization.CultureInfo.InvariantCulture) < new DateTimeOffset(Today));
        Assert.Contains(consents, c => c.Provision.Extension.Single().Value is Coding { Code: "email" });
    }
}
