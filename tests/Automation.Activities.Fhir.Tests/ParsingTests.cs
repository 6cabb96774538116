using System.Text.Json;
using Hl7.Fhir.Model;

namespace Automation.Activities.Fhir.Tests;

public sealed class ParsingTests(PopulationFixture population) : IClassFixture<PopulationFixture>
{
    private HashSet<string?> PatientRefs => population.All<Patient>().Select(p => (string?)("Patient/" + p.Id)).ToHashSet();

    [Fact]
    public void EveryFhirLine_ParsesStrictly_AsTheFilesType()
    {
        foreach (var type in PopulationFixture.FhirTypes)
        {
            Assert.NotEmpty(population.Resources[type]);
            Assert.All(population.Resources[type], r => Assert.Equal(type, r.TypeName));
            var ids = population.Resources[type].Select(r => r.Id).ToList();
            Assert.Equal(ids.Count, ids.Distinct().Count());
        }
    }

    [Fact]
    public void Summary_CountsEveryLine()
    {
        var counts = population.Summary.Counts.ToDictionary(c => c.Key, c => c.Value);
        Assert.Equal(10, counts.Count);
        Assert.Equal(PopulationFixture.Patients, counts["Patient.ndjson"]);
        foreach (var type in PopulationFixture.FhirTypes)
        {
            Assert.Equal(population.Resources[type].Count, counts[type + ".ndjson"]);
        }

        Assert.Equal(population.EngagementLines.Count, counts["Engagement.ndjson"]);
    }

    [Fact]
    public void PatientIds_AreZeroPaddedAndOtherIdsNameTheirPatient()
    {
        Assert.Equal("p0000001", population.All<Patient>().First().Id);
        Assert.Equal("p0000300", population.All<Patient>().Last().Id);
        foreach (var c in population.All<Condition>())
        {
            Assert.Matches(@"^cond-\d{7}-\d+$", c.Id);
            Assert.Equal("Patient/p" + c.Id!.Split('-')[1], c.Subject!.Reference);
        }
    }

    [Fact]
    public void EveryReference_PointsToAnExistingPatient()
    {
        var patients = PatientRefs;
        var references = population.All<Condition>().Select(c => c.Subject!.Reference)
            .Concat(population.All<Observation>().Select(o => o.Subject!.Reference))
            .Concat(population.All<MedicationRequest>().Select(m => m.Subject!.Reference))
            .Concat(population.All<Immunization>().Select(i => i.Patient!.Reference))
            .Concat(population.All<Appointment>().SelectMany(a => a.Participant.Where(p => p.Actor!.Reference is not null).Select(p => p.Actor!.Reference)))
            .Concat(population.All<Encounter>().Select(e => e.Subject!.Reference))
            .Concat(population.All<Coverage>().Select(c => c.Beneficiary!.Reference))
            .Concat(population.All<Hl7.Fhir.Model.Consent>().Select(c => c.Patient!.Reference))
            .ToList();
        Assert.True(references.Count > PopulationFixture.Patients * 10);
        Assert.All(references, r => Assert.Contains(r, patients));
        Assert.All(population.All<Appointment>(), a => Assert.Single(a.Participant, p => p.Actor!.Reference is not null));
    }

    [Fact]
    public void EncounterAppointmentLinks_PointToFulfilledAppointments()
    {
        var appointments = population.All<Appointment>().ToDictionary(a => "Appointment/" + a.Id);
        var linked = population.All<Encounter>().SelectMany(e => e.Appointment).Select(r => r.Reference!).ToList();
        Assert.NotEmpty(linked);
        Assert.All(linked, r => Assert.Equal(Appointment.AppointmentStatus.Fulfilled, appointments[r].Status));
    }

    [Fact]
    public void EngagementLines_HaveTheDocumentedShape()
    {
        var patients = PatientRefs;
        string[] types = ["email-open", "email-click", "portal-login", "form-completed"];
        Assert.NotEmpty(population.EngagementLines);
        foreach (var line in population.EngagementLines)
        {
            using var doc = JsonDocument.Parse(line);
            var root = doc.RootElement;
            Assert.Equal(["patient", "type", "at", "campaign"], root.EnumerateObject().Select(p => p.Name));
            Assert.Contains(root.GetProperty("patient").GetString()!, patients);
            Assert.Contains(root.GetProperty("type").GetString()!, types);
            var at = root.GetProperty("at").GetDateTimeOffset();
            Assert.True(at < new DateTimeOffset(2026, 11, 28, 0, 0, 0, TimeSpan.Zero));
            Assert.False(string.IsNullOrEmpty(root.GetProperty("campaign").GetString()));
        }

        foreach (var type in types)
        {
            Assert.Contains(population.EngagementLines, l => l.Contains($"\"type\":\"{type}\"", StringComparison.Ordinal));
        }
    }

    [Fact]
    public void StrictParsing_WouldCatchAnInvalidCode()
    {
        var line = File.ReadLines(Path.Combine(population.Directory1, "Appointment.ndjson")).First();
        var broken = System.Text.RegularExpressions.Regex.Replace(line, "\"status\":\"[a-z]+\"", "\"status\":\"attended\"", System.Text.RegularExpressions.RegexOptions.None, TimeSpan.FromSeconds(1));
        Assert.NotEqual(line, broken);
        var strict = new Hl7.Fhir.Serialization.FhirJsonDeserializer(new Hl7.Fhir.Serialization.DeserializerSettings().UsingMode(Hl7.Fhir.Serialization.DeserializationMode.Strict));
        Assert.ThrowsAny<Exception>(() => Hl7.Fhir.Serialization.PocoDeserializationExtensions.DeserializeResource(strict, broken));
    }
}
