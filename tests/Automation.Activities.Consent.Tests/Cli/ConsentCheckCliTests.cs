using Automation.Activities.Consent.Records;
using Automation.Activities.Consent.Registry;
using Automation.Activities.Fhir.Synthetic;
using Automation.Cli;
using Microsoft.Data.Sqlite;

namespace Automation.Activities.Consent.Tests.Cli;

/// <summary><c>automation consent check</c> over an NDJSON population, with and without the opt-out store.</summary>
public sealed class ConsentCheckCliTests : IDisposable
{
    private const string Patient = """{"resourceType":"Patient","id":"p1","name":[{"family":"Doe","given":["Ana"]}],"telecom":[{"system":"email","value":"ana@example.org"}]}""";
    private const string MarketingPermit = """{"resourceType":"Consent","id":"c-mkt","meta":{"versionId":"2"},"status":"active","scope":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/consentscope","code":"patient-privacy"}]},"category":[{"coding":[{"system":"http://loinc.org","code":"59284-0"}]}],"patient":{"reference":"Patient/p1"},"dateTime":"2025-01-05T10:00:00Z","provision":{"type":"permit","period":{"start":"2025-01-05T10:00:00Z"},"extension":[{"url":"https://automation.example.org/fhir/StructureDefinition/consent-channel","valueCoding":{"system":"http://hl7.org/fhir/contact-point-system","code":"email"}}],"purpose":[{"system":"http://terminology.hl7.org/CodeSystem/v3-ActReason","code":"HMARKT"}]}}""";

    private readonly string folder = Directory.CreateTempSubdirectory("automation-consent-cli-").FullName;

    public ConsentCheckCliTests()
    {
        var population = Directory.CreateDirectory(Path.Combine(folder, "population")).FullName;
        File.WriteAllText(Path.Combine(population, "Patient.ndjson"), Patient + "\n");
        File.WriteAllText(Path.Combine(population, "Consent.ndjson"), MarketingPermit + "\n");
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(folder, recursive: true);
    }

    private string Population => Path.Combine(folder, "population");

    private string Connection => $"Data Source={Path.Combine(folder, "consent.db")}";

    private static async Task<(int Exit, string[] Out, string Err)> RunAsync(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var exit = await CliApplication.RunAsync(args, output, error);
        return (exit, output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r')).ToArray(), error.ToString());
    }

    [Fact]
    public async Task Check_MarketingPermit_PrintsGrantedWithConsentIdAndVersion()
    {
        var (exit, lines, _) = await RunAsync("consent", "check", "--population", Population, "--patient", "p1", "--purpose", "marketing", "--channel", "email");

        Assert.Equal(0, exit);
        Assert.Equal(["Granted", "rule: fhir-permit", "evidence: Consent/c-mkt version 2"], lines);
    }

    [Fact]
    public async Task Check_TreatmentWithoutPermit_PrintsDeniedExitOne()
    {
        var (exit, lines, _) = await RunAsync("consent", "check", "--population", Population, "--patient", "Patient/p1", "--purpose", "treatment", "--channel", "email");

        Assert.Equal(1, exit);
        Assert.Equal(["Denied", "rule: no-consent", "evidence: none"], lines);
    }

    [Fact]
    public async Task Check_WithDbHoldingALaterOptOut_PrintsDeniedWithRecordId()
    {
        var store = ConsentRecordStoreFactory.Create("sqlite", Connection);
        await store.MigrateAsync();
        await store.AddAsync(new ConsentRecord
        {
            RecordId = "cr-unsub-1", PatientId = "p1", Purpose = "marketing", Channel = "email", Kind = ConsentRecordKind.OptOut,
            RecordedAt = new DateTimeOffset(2026, 3, 1, 0, 0, 0, TimeSpan.Zero), Source = ConsentSources.UnsubscribeLink,
        });

        var (withDb, lines, _) = await RunAsync("consent", "check", "--population", Population, "--patient", "p1", "--purpose", "marketing", "--db", "sqlite", "--connection", Connection);
        var (withoutDb, _, _) = await RunAsync("consent", "check", "--population", Population, "--patient", "p1", "--purpose", "marketing");

        Assert.Equal(1, withDb);
        Assert.Equal(["Denied", "rule: opt-out-record", "evidence: record cr-unsub-1"], lines);
        Assert.Equal(0, withoutDb);
    }

    [Theory]
    [InlineData("--patient", "nobody", "no patient 'nobody'")]
    [InlineData("--population", "/nonexistent/population", "does not exist")]
    public async Task Check_BadInput_ExitsTwoNamingTheOption(string option, string value, string message)
    {
        var args = new List<string> { "consent", "check", "--population", Population, "--patient", "p1", "--purpose", "marketing" };
        args[args.IndexOf(option) + 1] = value;

        var (exit, lines, error) = await RunAsync([.. args]);

        Assert.Equal(2, exit);
        Assert.Empty(lines);
        Assert.Contains(option, error, StringComparison.Ordinal);
        Assert.Contains(message, error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Check_UnknownPurpose_RejectedByParser()
    {
        var (exit, _, error) = await RunAsync("consent", "check", "--population", Population, "--patient", "p1", "--purpose", "sales");

        Assert.Equal(2, exit);
        Assert.Contains("sales", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Check_SyntheticPopulation_DecidesBothWaysForMarketing()
    {
        var synthetic = Path.Combine(folder, "synth");
        await new SyntheticPopulation().WriteAsync(new SyntheticOptions { PatientCount = 40, OutputDirectory = synthetic }, CancellationToken.None);

        var outcomes = new List<string>();
        for (var i = 1; i <= 40; i++)
        {
            var (_, lines, _) = await RunAsync("consent", "check", "--population", synthetic, "--patient", $"p{i:D7}", "--purpose", "marketing", "--at", "2026-11-27T12:00:00Z");
            outcomes.Add(lines[0] + " " + lines[1]);
        }

        Assert.Contains(outcomes, o => o == "Granted rule: fhir-permit");
        Assert.Contains(outcomes, o => o.StartsWith("Denied", StringComparison.Ordinal));
    }
}
