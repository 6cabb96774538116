using Automation.Activities.Fhir.Patients;
using Automation.Activities.Fhir.Sources;
using Automation.Activities.Fhir.Tests.Support;
using Hl7.Fhir.Model;

namespace Automation.Activities.Fhir.Tests.Sources;

public sealed class NdjsonPatientDataSourceTests : IDisposable
{
    private readonly string directory = TestPatients.WriteNdjson(TestPatients.All());
    private readonly NdjsonPatientDataSource source;

    public NdjsonPatientDataSourceTests() => source = new NdjsonPatientDataSource(directory);

    [Fact]
    public async Task GetPatientContextAsync_EngagementFile_BecomesCanonicalEngagementFacts()
    {
        await File.WriteAllLinesAsync(Path.Combine(directory, "Engagement.ndjson"),
        [
            """{"patient":"Patient/p1","type":"email-click","at":"2026-10-02T09:00:00Z","campaign":"flu-2026"}""",
            """{"patient":"Patient/p1","type":"email-open","at":"2026-10-01T08:00:00Z","campaign":"flu-2026"}""",
            """{"patient":"Patient/p1","type":"open","at":"2026-10-03T08:00:00Z","automated":true,"messageId":"m-7"}""",
            """{"patient":"Patient/p1","type":"sms-reply","at":"2026-10-03T08:00:00Z"}""",
            """{"patient":"Patient/p2","type":"portal-login","at":"2026-10-04T08:00:00Z"}""",
        ]);
        using var fresh = new NdjsonPatientDataSource(directory);

        var patient = await fresh.GetPatientContextAsync("p1");

        Assert.Equal(
            [new EngagementFact("open", DateTimeOffset.Parse("2026-10-01T08:00:00Z", System.Globalization.CultureInfo.InvariantCulture)),
             new EngagementFact("click", DateTimeOffset.Parse("2026-10-02T09:00:00Z", System.Globalization.CultureInfo.InvariantCulture)),
             new EngagementFact("open", DateTimeOffset.Parse("2026-10-03T08:00:00Z", System.Globalization.CultureInfo.InvariantCulture), true, "m-7")],
            patient!.Engagement);
        var plain = (List<object?>)patient.ToPlain(new DateOnly(2026, 11, 27))["engagement"]!;
        var last = (Dictionary<string, object?>)plain[2]!;
        Assert.Equal(("open", true, "m-7"), ((string)last["type"]!, (bool)last["automated"]!, (string)last["messageId"]!));
    }

    [Fact]
    public async Task GetPatientContextAsync_KnownPatient_GathersEverythingAboutThem()
    {
        var patient = await source.GetPatientContextAsync("Patient/p1");

        Assert.NotNull(patient);
        Assert.Equal("Ana", patient.FirstName);
        Assert.Equal("ana@example.org", patient.Email);
        Assert.Equal("es", patient.Language);
        Assert.Equal("62701", patient.Address!.PostalCode);
        Assert.Equal(68, patient.AgeOn(new DateOnly(2026, 11, 27)));
        var diabetes = Assert.Single(patient.Conditions);
        Assert.Equal(["E11.9", "44054006"], diabetes.Codings.Select(c => c.Code));
        Assert.Equal(8.4m, patient.LatestLabs["4548-4"].Value);
        Assert.Equal(142m, patient.LatestLabs["8480-6"].Value);
        Assert.Equal("860975", Assert.Single(patient.Medications).Code);
        Assert.Equal("158", Assert.Single(patient.Immunizations).Code);
        Assert.Equal(["noshow", "booked"], patient.Appointments.Select(a => a.Status));
        Assert.Equal("Dr. Rivera", patient.Appointments[1].Practitioner);
        Assert.Equal("Springfield Clinic", patient.Appointments[1].Location);
        Assert.Equal("IMP", Assert.Single(patient.Encounters).Class);
        Assert.Equal("medicare", Assert.Single(patient.Coverages).Kind);
        var consent = Assert.Single(patient.Consents);
        Assert.Equal("permit", consent.Decision);
        Assert.Equal(["HMARKT"], consent.Purposes);
        Assert.Equal(["email"], consent.Channels);
    }

    [Fact]
    public async Task GetPatientContextAsync_OtherPatient_SeesOnlyTheirOwnResources()
    {
        var patient = await source.GetPatientContextAsync("p2");

        Assert.Equal("a3", Assert.Single(patient!.Appointments).Id);
        Assert.Empty(patient.Conditions);
        Assert.Null(patient.Email);
    }

    [Fact]
    public async Task GetPatientContextAsync_UnknownPatient_IsNull() =>
        Assert.Null(await source.GetPatientContextAsync("Patient/nobody"));

    [Fact]
    public async Task SearchAsync_ByPatientAndStatus_Filters()
    {
        var booked = await source.SearchAsync("Appointment", new Dictionary<string, string> { ["patient"] = "Patient/p1", ["status"] = "booked" });
        var all = await source.SearchAsync("Appointment", new Dictionary<string, string> { ["status"] = "booked,noshow" });

        Assert.Equal("a1", Assert.Single(booked).Id);
        Assert.Equal(["a1", "a2", "a3"], all.Select(a => a.Id).Order());
    }

    [Fact]
    public async Task ReadAsync_AppointmentById_ReturnsIt()
    {
        var appointment = Assert.IsType<Appointment>(await source.ReadAsync("Appointment", "a2"));

        Assert.Equal(Appointment.AppointmentStatus.Noshow, appointment.Status);
        Assert.Null(await source.ReadAsync("Appointment", "missing"));
    }

    [Fact]
    public async Task ReadAsync_PatientAndOtherTypes_ById()
    {
        Assert.Equal("Ben", Assert.IsType<Patient>(await source.ReadAsync("Patient", "p2")).Name[0].Given.Single());
        Assert.Equal("E11.9", Assert.IsType<Condition>(await source.ReadAsync("Condition", "c1")).Code!.Coding[0].Code);
        Assert.Null(await source.ReadAsync("Patient", "nobody"));
        Assert.Null(await source.ReadAsync("Condition", "missing"));
        Assert.Equal(2, await source.CountPatientsAsync());
        Assert.Equal(["p1", "p2"], await source.PatientIdsAsync());
    }

    [Fact]
    public async Task SearchAsync_UnsupportedParameter_SaysWhich()
    {
        var exception = await Assert.ThrowsAsync<FhirSourceException>(() => source.SearchAsync("Appointment", new Dictionary<string, string> { ["date"] = "ge2026-01-01" }));

        Assert.Contains("date", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MissingDirectory_FailsWithHowToCreateIt()
    {
        using var missing = new NdjsonPatientDataSource(Path.Combine(directory, "nope"));

        var exception = await Assert.ThrowsAsync<FhirSourceException>(() => missing.GetPatientContextAsync("p1"));

        Assert.Contains("automation synth", exception.Message, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        source.Dispose();
        Directory.Delete(directory, recursive: true);
    }
}
