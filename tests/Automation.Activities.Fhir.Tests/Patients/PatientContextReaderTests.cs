using System.Text;
using System.Text.Json;
using Automation.Activities.Fhir.Patients;
using Automation.Activities.Fhir.Sources;
using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;

namespace Automation.Activities.Fhir.Tests.Patients;

/// <summary>
/// The fast reader must build exactly what Firely plus <see cref="PatientContextBuilder"/> builds (compared through the
/// plain view workflows see), and must give up, leaving the patient to Firely, where a field it reads is unusual.
/// </summary>
public sealed class PatientContextReaderTests(PopulationFixture population) : IClassFixture<PopulationFixture>
{
    private static readonly DateOnly Today = new(2026, 11, 27);
    private static readonly FhirJsonDeserializer Firely = new(new DeserializerSettings().UsingMode(DeserializationMode.Recoverable) with { Validator = null });

    private const string Patient = """{"resourceType":"Patient","id":"p1","gender":"female","birthDate":"1958-03-14","name":[{"use":"official","family":"Lopez","given":["Ana"]}]}""";

    [Fact]
    public void EveryPatientOfASyntheticPopulation_ReadsAsFirelyReadsThem()
    {
        var (patients, byPatient) = Population();
        Assert.Equal(PopulationFixture.Patients, patients.Count);
        var related = 0;
        foreach (var (id, json) in patients)
        {
            var resources = byPatient.GetValueOrDefault(id) ?? [];
            related += resources.Count;
            var fast = PatientContextReader.TryRead(json, resources);
            Assert.True(fast is not null, $"the fast reader gave up on patient {id}");
            Assert.Equal(Plain(ViaFirely(json, resources)), Plain(fast));

            var consents = resources.Where(r => r.Type == "Consent").Select(r => r.Json).ToList();
            Assert.Equal(
                PatientContextBuilder.ConsentFacts(consents.Select(c => (Hl7.Fhir.Model.Consent)Parse(c))),
                PatientContextReader.TryReadConsents(consents)!,
                new ConsentFactComparer());
        }

        // The population has to exercise the mapping: many resources of every type.
        Assert.True(related > PopulationFixture.Patients * 10, $"{related} related resources");
    }

    [Fact]
    public async Task TheNdjsonSource_GivesEveryPatientOfASyntheticPopulationWhatFirelyReads()
    {
        // Through the source: its index, and its reads of a patient's adjacent lines in one call per run of lines.
        var (patients, byPatient) = Population();
        using var source = new NdjsonPatientDataSource(population.Directory1);

        foreach (var (id, json) in patients)
        {
            var resources = byPatient.GetValueOrDefault(id) ?? [];
            var context = await source.GetPatientContextAsync(id);

            Assert.NotNull(context);
            Assert.Equal(Plain(ViaFirely(json, resources)), Plain(context with { Engagement = [] }));
            Assert.Equal(
                PatientContextBuilder.ConsentFacts(resources.Where(r => r.Type == "Consent").Select(r => (Hl7.Fhir.Model.Consent)Parse(r.Json))),
                await source.GetConsentsAsync(id),
                new ConsentFactComparer());
        }
    }

    public static TheoryData<string, string[]> UnusualButValid => new()
    {
        // The official name is not the first; the preferred language is not the first; a second email is ignored.
        {
            """{"resourceType":"Patient","id":"p1","name":[{"use":"nickname","given":["Annie"]},{"use":"official","family":"Lopez","given":["Ana","Maria"]}],"telecom":[{"system":"phone","value":"555"},{"system":"email","value":"a@example.org"},{"system":"email","value":"b@example.org"}],"communication":[{"language":{"coding":[{"code":"en"}]}},{"language":{"coding":[{"code":"es"}]},"preferred":true}],"address":[{"line":["1 Main St","Apt 2"],"city":"Springfield","state":"IL","postalCode":"62701"}],"_birthDate":{"extension":[{"url":"http://example.org/x","valueString":"unknown"}]}}""",
            []
        },
        // Observations: a component-only blood pressure, a LOINC coding second, a non-quantity value, an older duplicate,
        // an entered-in-error result, a result with neither value nor components, a quantity with only a code.
        {
            Patient,
            [
                """{"resourceType":"Observation","id":"o1","status":"final","code":{"coding":[{"system":"http://loinc.org","code":"85354-9"}]},"subject":{"reference":"Patient/p1"},"effectiveDateTime":"2026-01-02T10:00:00Z","component":[{"code":{"coding":[{"code":"8480-6"}]},"valueQuantity":{"value":142,"unit":"mm[Hg]"}},{"code":{"coding":[{"code":"8462-4"}]}}]}""",
                """{"resourceType":"Observation","id":"o2","status":"final","code":{"coding":[{"system":"http://snomed.info/sct","code":"1"},{"system":"http://loinc.org","code":"4548-4"}]},"subject":{"reference":"Patient/p1"},"effectiveDateTime":"2026-02-01","valueQuantity":{"value":8.40,"code":"%"}}""",
                """{"resourceType":"Observation","id":"o3","status":"final","code":{"coding":[{"system":"http://loinc.org","code":"4548-4"}]},"subject":{"reference":"Patient/p1"},"effectiveDateTime":"2025-02-01","valueQuantity":{"value":7.1,"unit":"%"}}""",
                """{"resourceType":"Observation","id":"o4","status":"amended","code":{"coding":[{"code":"72166-2"}]},"subject":{"reference":"Patient/p1"},"valueCodeableConcept":{"coding":[{"code":"8517006"}]}}""",
                """{"resourceType":"Observation","id":"o5","status":"entered-in-error","code":{"coding":[{"system":"http://loinc.org","code":"2345-7"}]},"subject":{"reference":"Patient/p1"},"valueQuantity":{"value":99}}""",
                """{"resourceType":"Observation","id":"o6","status":"final","code":{"coding":[{"system":"http://loinc.org","code":"2093-3"}]},"subject":{"reference":"Patient/p1"},"effectiveDateTime":"2026-03-01T10:00:00+02:00"}""",
            ]
        },
        // Appointments in another offset and out of order, a clinic known by display only; encounters without a period.
        {
            Patient,
            [
                """{"resourceType":"Appointment","id":"a2","status":"booked","start":"2026-12-02T09:00:00+02:00","end":"2026-12-02T09:30:00+02:00","description":"Check-up","participant":[{"actor":{"display":"Springfield Clinic"},"status":"accepted"},{"actor":{"reference":"Practitioner/d1","display":"Dr. Rivera"},"status":"accepted"},{"actor":{"reference":"Patient/p1"},"status":"accepted"}]}""",
                """{"resourceType":"Appointment","id":"a1","status":"noshow","start":"2026-11-01T09:00:00.5Z","participant":[{"actor":{"reference":"Location/l1","display":"Main Hospital"},"status":"accepted"},{"actor":{"reference":"Patient/p1"},"status":"accepted"}]}""",
                """{"resourceType":"Encounter","id":"e1","status":"finished","class":{"system":"http://terminology.hl7.org/CodeSystem/v3-ActCode","code":"AMB"},"subject":{"reference":"Patient/p1"}}""",
                """{"resourceType":"Encounter","id":"e2","status":"in-progress","class":{"code":"IMP"},"subject":{"reference":"Patient/p1"},"period":{"start":"2026-10-01T08:00:00Z"}}""",
            ]
        },
        // Conditions: codings without code, an onset that is not a dateTime, display from the text; coverages of each
        // kind; a medication by reference only; an immunization without a vaccine code.
        {
            Patient,
            [
                """{"resourceType":"Condition","id":"c1","clinicalStatus":{"coding":[{"code":"active"}]},"code":{"coding":[{"system":"x","display":"no code"},{"system":"http://hl7.org/fhir/sid/icd-10-cm","code":"E11.9"},{"system":"http://snomed.info/sct","code":"44054006","display":"Diabetes"}],"text":"Type 2 diabetes"},"subject":{"reference":"Patient/p1"},"onsetString":"childhood"}""",
                """{"resourceType":"Condition","id":"c2","code":{"text":"text only"},"subject":{"reference":"Patient/p1"}}""",
                """{"resourceType":"Coverage","id":"v1","status":"active","type":{"coding":[{"code":"SUBSIDMC","display":"Medicare"}]},"beneficiary":{"reference":"Patient/p1"},"payor":[{"display":"CMS"}],"period":{"start":"2024-01-01T00:00:00Z","end":"2026"}}""",
                """{"resourceType":"Coverage","id":"v2","status":"cancelled","type":{"text":"Self pay"},"beneficiary":{"reference":"Patient/p1"},"payor":[{"display":"Self"}]}""",
                """{"resourceType":"MedicationRequest","id":"m1","status":"active","intent":"order","medicationReference":{"reference":"Medication/x"},"subject":{"reference":"Patient/p1"}}""",
                """{"resourceType":"MedicationRequest","id":"m2","status":"stopped","intent":"order","medicationCodeableConcept":{"coding":[{"code":"860975","display":"Metformin"}]},"subject":{"reference":"Patient/p1"},"authoredOn":"2025-05-05"}""",
                """{"resourceType":"Immunization","id":"i1","status":"completed","vaccineCode":{"text":"flu"},"patient":{"reference":"Patient/p1"},"occurrenceString":"last fall"}""",
                """{"resourceType":"Immunization","id":"i2","status":"not-done","vaccineCode":{"coding":[{"code":"158"}]},"patient":{"reference":"Patient/p1"},"occurrenceDateTime":"2025-10-01"}""",
            ]
        },
        // Consents: channels from actions and from extensions on the resource and the provision (code, coding, string,
        // and an unrelated value type), repeated in another case; no provision at all.
        {
            Patient,
            [
                """{"resourceType":"Consent","id":"k1","meta":{"versionId":"3"},"status":"active","scope":{"coding":[{"code":"patient-privacy"}]},"category":[{"coding":[{"code":"59284-0"}]}],"patient":{"reference":"Patient/p1"},"dateTime":"2026-06-08T09:00:00Z","extension":[{"url":"http://example.org/consent-channel","valueCode":"SMS"}],"provision":{"type":"permit","period":{"start":"2026-06-08","end":"2027-06-08T00:00:00Z"},"purpose":[{"code":"HMARKT"},{"system":"x"}],"action":[{"coding":[{"code":"email"}]}],"extension":[{"url":"https://automation.example.org/Channel","valueCoding":{"code":"sms"}},{"url":"x-channel","valueString":"post"},{"url":"y-channel","valueInteger":3},{"url":"other","valueCode":"fax"}]}}""",
                """{"resourceType":"Consent","id":"k2","status":"rejected","scope":{"coding":[{"code":"patient-privacy"}]},"category":[{"coding":[{"code":"59284-0"}]}],"patient":{"reference":"Patient/p1"}}""",
            ]
        },
    };

    [Theory]
    [MemberData(nameof(UnusualButValid))]
    public void UnusualButValidResources_ReadAsFirelyReadsThem(string patient, string[] related)
    {
        var resources = related.Select(json => (TypeOf(json), (ReadOnlyMemory<byte>)Encoding.UTF8.GetBytes(json))).ToList();

        var fast = PatientContextReader.TryRead(Encoding.UTF8.GetBytes(patient), resources);

        Assert.NotNull(fast);
        Assert.Equal(Plain(ViaFirely(Encoding.UTF8.GetBytes(patient), resources)), Plain(fast));
        var consents = resources.Where(r => r.Item1 == "Consent").Select(r => r.Item2).ToList();
        Assert.Equal(PatientContextBuilder.ConsentFacts(consents.Select(c => (Hl7.Fhir.Model.Consent)Parse(c))), PatientContextReader.TryReadConsents(consents)!, new ConsentFactComparer());
    }

    [Theory]
    [InlineData("""{"resourceType":"Appointment","id":"a1","status":"bogus","participant":[]}""")]
    [InlineData("""{"resourceType":"Appointment","id":"a1","status":"booked","start":"2026-12-01","participant":[]}""")]
    [InlineData("""{"resourceType":"Appointment","id":"a1","status":"booked","description":"","participant":[]}""")]
    [InlineData("""{"resourceType":"Appointment","id":"a1","status":7,"participant":[]}""")]
    [InlineData("""{"resourceType":"Observation","id":"o1","status":"final","code":{"coding":{"code":"x"}},"valueQuantity":{"value":1}}""")]
    [InlineData("""{"resourceType":"Observation","id":"o1","status":"final","code":{"coding":[{"code":"x"}]},"valueQuantity":{"value":1e400}}""")]
    [InlineData("""{"resourceType":"Observation","id":"o1","status":"final","code":{"coding":[{"code":"x"}]},"_valueString":{"extension":[]}}""")]
    [InlineData("""{"resourceType":"Observation","id":"o1","status":"final","code":{"coding":[{"code":"x"}]},"effectiveDateTime":"yesterday","valueString":"high"}""")]
    [InlineData("""{"resourceType":"Consent","id":"k1","status":"active","provision":{"type":"maybe"}}""")]
    [InlineData("""{"resourceType":"Encounter","id":"e1","status":"finished","class":[{"code":"AMB"}]}""")]
    [InlineData("""{"resourceType":"Condition","id":"c1","code":{"coding":[null]}}""")]
    [InlineData("""{"resourceType":"Coverage","id":"v1","status":"active","type":{"coding":[{"code":"X"}]},"period":{"start":"1st of May"}}""")]
    public void AFieldItReadsIsUnusual_TheReaderGivesUpForFirely(string resource)
    {
        Assert.Null(PatientContextReader.TryRead(Encoding.UTF8.GetBytes(Patient), [(TypeOf(resource), Encoding.UTF8.GetBytes(resource))]));
    }

    [Theory]
    [InlineData("""{"resourceType":"Patient","id":"p1","gender":"woman"}""")]
    [InlineData("""{"resourceType":"Patient","id":"p1","name":[{"given":["A",null]}]}""")]
    [InlineData("""{"resourceType":"Patient","id":"p1","birthDate":"14/03/1958"}""")]
    [InlineData("""{"resourceType":"Condition","id":"p1"}""")]
    public void AnUnusualPatient_TheReaderGivesUpForFirely(string patient)
    {
        Assert.Null(PatientContextReader.TryRead(Encoding.UTF8.GetBytes(patient), []));
    }

    [Fact]
    public void MalformedJson_TheReaderGivesUpForFirely()
    {
        Assert.Null(PatientContextReader.TryRead(Encoding.UTF8.GetBytes(Patient), [("Encounter", Encoding.UTF8.GetBytes("{\"resourceType\":\"Encounter\",\"id\":\"e1\""))]));
        Assert.Null(PatientContextReader.TryRead(Encoding.UTF8.GetBytes(Patient), [("Encounter", Encoding.UTF8.GetBytes("""{"resourceType":"Condition","id":"c1"}"""))]));
    }

    [Fact]
    public void AnUnusualConsent_TheConsentReaderGivesUpForFirely()
    {
        Assert.Null(PatientContextReader.TryReadConsents([Encoding.UTF8.GetBytes("""{"resourceType":"Consent","id":"k1","status":"withdrawn"}""")]));
    }

    [Fact]
    public async Task TheNdjsonSource_ReadsWhatTheReaderGivesUpOn_WithFirely()
    {
        // An empty description and a value known only by its extensions: Firely accepts both, the reader leaves them to it.
        var directory = Directory.CreateTempSubdirectory("fast-reader-").FullName;
        try
        {
            await File.WriteAllLinesAsync(Path.Combine(directory, "Patient.ndjson"), [Patient]);
            await File.WriteAllLinesAsync(Path.Combine(directory, "Appointment.ndjson"),
                ["""{"resourceType":"Appointment","id":"a1","status":"booked","description":"","start":"2026-12-01T09:00:00Z","participant":[{"actor":{"reference":"Patient/p1"},"status":"accepted"}]}"""]);
            await File.WriteAllLinesAsync(Path.Combine(directory, "Observation.ndjson"),
                ["""{"resourceType":"Observation","id":"o1","status":"final","code":{"coding":[{"system":"http://loinc.org","code":"72166-2"}]},"subject":{"reference":"Patient/p1"},"_valueString":{"extension":[{"url":"http://example.org/x","valueCode":"masked"}]}}"""]);
            await File.WriteAllLinesAsync(Path.Combine(directory, "Consent.ndjson"),
                ["""{"resourceType":"Consent","id":"k1","status":"active","scope":{"coding":[{"code":"patient-privacy"}]},"category":[{"coding":[{"code":"59284-0"}]}],"patient":{"reference":"Patient/p1"},"provision":{"type":"permit","purpose":[{"code":"HMARKT"}],"period":{"start":""}}}"""]);
            using var source = new NdjsonPatientDataSource(directory);
            var related = new[] { "Appointment", "Observation", "Consent" }
                .Select(type => (type, (ReadOnlyMemory<byte>)File.ReadAllBytes(Path.Combine(directory, type + ".ndjson")).AsMemory()[..^1]))
                .ToList();
            Assert.Null(PatientContextReader.TryRead(Encoding.UTF8.GetBytes(Patient), related));

            var context = await source.GetPatientContextAsync("p1");
            var consents = await source.GetConsentsAsync("Patient/p1");

            Assert.NotNull(context);
            Assert.Equal(Plain(ViaFirely(Encoding.UTF8.GetBytes(Patient), related)), Plain(context));
            Assert.Equal("booked", Assert.Single(context.Appointments).Status);
            Assert.Null(Assert.Single(context.LatestLabs).Value.Value);
            Assert.Equal(["HMARKT"], Assert.Single(consents).Purposes);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    // Each patient's own line, and the lines about them by type in file order, read straight from the files.
    private (List<(string Id, byte[] Json)> Patients, Dictionary<string, List<(string Type, ReadOnlyMemory<byte> Json)>> Related) Population()
    {
        var byPatient = new Dictionary<string, List<(string Type, ReadOnlyMemory<byte> Json)>>(StringComparer.Ordinal);
        var patients = new List<(string Id, byte[] Json)>();
        foreach (var type in PopulationFixture.FhirTypes)
        {
            foreach (var line in File.ReadLines(Path.Combine(population.Directory1, type + ".ndjson")))
            {
                var json = Encoding.UTF8.GetBytes(line);
                var owner = OwnerOf(json, type);
                if (type == "Patient")
                {
                    patients.Add((owner, json));
                }
                else
                {
                    (byPatient.TryGetValue(owner, out var list) ? list : byPatient[owner] = []).Add((type, json));
                }
            }
        }

        return (patients, byPatient);
    }

    private static PatientContext ViaFirely(ReadOnlyMemory<byte> patient, IEnumerable<(string Type, ReadOnlyMemory<byte> Json)> related) =>
        PatientContextBuilder.Build((Hl7.Fhir.Model.Patient)Parse(patient), related.Select(r => Parse(r.Json)));

    private static Resource Parse(ReadOnlyMemory<byte> json)
    {
        var reader = new Utf8JsonReader(json.Span);
        return Firely.DeserializeResource(ref reader);
    }

    private static string Plain(PatientContext context) => JsonSerializer.Serialize(context.ToPlain(Today));

    private static string TypeOf(string json)
    {
        using var document = JsonDocument.Parse(json, new JsonDocumentOptions { AllowTrailingCommas = true });
        return document.RootElement.GetProperty("resourceType").GetString()!;
    }

    private static string OwnerOf(byte[] json, string type)
    {
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        if (type == "Patient")
        {
            return root.GetProperty("id").GetString()!;
        }

        foreach (var name in new[] { "subject", "patient", "beneficiary" })
        {
            if (root.TryGetProperty(name, out var reference))
            {
                return reference.GetProperty("reference").GetString()!["Patient/".Length..];
            }
        }

        return root.GetProperty("participant").EnumerateArray()
            .Select(p => p.GetProperty("actor").TryGetProperty("reference", out var r) ? r.GetString()! : "")
            .First(r => r.StartsWith("Patient/", StringComparison.Ordinal))["Patient/".Length..];
    }

    // Consent facts hold lists, which records compare by reference.
    private sealed class ConsentFactComparer : IEqualityComparer<ConsentFact>
    {
        public bool Equals(ConsentFact? x, ConsentFact? y) =>
            x is not null && y is not null
            && x with { Purposes = Array.Empty<string>(), Channels = Array.Empty<string>() } == y with { Purposes = Array.Empty<string>(), Channels = Array.Empty<string>() }
            && x.Purposes.SequenceEqual(y.Purposes) && x.Channels.SequenceEqual(y.Channels);

        public int GetHashCode(ConsentFact obj) => obj.Id.GetHashCode(StringComparison.Ordinal);
    }
}
