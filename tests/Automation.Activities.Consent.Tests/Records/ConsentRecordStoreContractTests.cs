using Automation.Activities.Consent.Records;
using Automation.Activities.Consent.Registry;
using Automation.Activities.Consent.Tests.Support;
using Microsoft.Data.Sqlite;
using static Automation.Activities.Consent.Tests.Support.Consents;

namespace Automation.Activities.Consent.Tests.Records;

/// <summary>The consent record store contract, run against SQLite and PostgreSQL.</summary>
public abstract class ConsentRecordStoreContractTests : IAsyncLifetime
{
    private readonly string patient = "p-" + Guid.NewGuid().ToString("N")[..8];
    private IConsentRecordStore store = null!;

    protected abstract IConsentRecordStore CreateStore();

    public async Task InitializeAsync()
    {
        store = CreateStore();
        await store.MigrateAsync();
        await store.MigrateAsync();
    }

    public Task DisposeAsync() => store is IAsyncDisposable d ? d.DisposeAsync().AsTask() : Task.CompletedTask;

    [Fact]
    public async Task AddAsync_ThenList_RoundTripsEveryFieldOldestFirst()
    {
        var later = Record("r-later", ConsentRecordKind.OptOut, daysAgo: 1, patient: patient) with { Source = ConsentSources.UnsubscribeLink, Channel = ConsentChannels.All };
        var earlier = Record("r-earlier", ConsentRecordKind.OptIn, daysAgo: 5, purpose: ConsentPurposes.Treatment, patient: patient);

        Assert.True(await store.AddAsync(later));
        Assert.True(await store.AddAsync(earlier));

        Assert.Equal([earlier, later], await store.ListAsync(patient));
    }

    [Fact]
    public async Task AddAsync_SameIdTwice_KeepsTheFirst()
    {
        var first = Record("r-same-" + patient, ConsentRecordKind.OptOut, daysAgo: 1, patient: patient);

        Assert.True(await store.AddAsync(first));
        Assert.False(await store.AddAsync(first with { Kind = ConsentRecordKind.OptIn }));

        Assert.Equal([first], await store.ListAsync(patient));
    }

    [Fact]
    public async Task ListManyAsync_ReadsSeveralPatientsAtOnce_EachOldestFirst_AndNoOneElse()
    {
        var other = patient + "-b";
        var a1 = Record("r-a1-" + patient, ConsentRecordKind.OptIn, daysAgo: 5, patient: patient);
        var a2 = Record("r-a2-" + patient, ConsentRecordKind.OptOut, daysAgo: 1, patient: patient);
        var b1 = Record("r-b1-" + patient, ConsentRecordKind.OptIn, daysAgo: 3, patient: other);
        var notAsked = Record("r-c1-" + patient, ConsentRecordKind.OptIn, daysAgo: 3, patient: patient + "-c");
        foreach (var record in new[] { a2, b1, notAsked, a1 })
        {
            await store.AddAsync(record);
        }

        var found = await store.ListManyAsync([patient, other, patient + "-none"]);

        Assert.Equal([patient, other], found.Keys.Order(StringComparer.Ordinal));
        Assert.Equal([a1, a2], found[patient]);
        Assert.Equal([b1], found[other]);
        Assert.Empty(await store.ListManyAsync([]));
    }

    [Fact]
    public async Task ListAsync_OtherPatient_SeesNothing()
    {
        await store.AddAsync(Record("r-own-" + patient, ConsentRecordKind.OptOut, daysAgo: 1, patient: patient));

        Assert.Empty(await store.ListAsync(patient + "-other"));
    }

    [Theory]
    [InlineData("purpose")]
    [InlineData("channel")]
    [InlineData("source")]
    [InlineData("patientId")]
    public async Task AddAsync_InvalidField_ThrowsNamingItAndWritesNothing(string field)
    {
        var record = Record("r-bad-" + field, ConsentRecordKind.OptOut, daysAgo: 1, patient: patient);
        record = field switch
        {
            "purpose" => record with { Purpose = "Marketing!" },
            "channel" => record with { Channel = "fax" },
            "source" => record with { Source = "guess" },
            _ => record with { PatientId = "Patient/" + patient },
        };

        var exception = await Assert.ThrowsAsync<ArgumentException>(() => store.AddAsync(record));

        Assert.Contains(field, exception.Message, StringComparison.Ordinal);
        Assert.Empty(await store.ListAsync(patient));
    }
}

public sealed class SqliteConsentRecordStoreTests : ConsentRecordStoreContractTests, IDisposable
{
    private readonly string folder = Path.Combine(Path.GetTempPath(), "automation-consent-tests", Guid.NewGuid().ToString("N"));

    protected override IConsentRecordStore CreateStore() => ConsentRecordStoreFactory.Create("sqlite", $"Data Source={Path.Combine(folder, "nested", "consent.db")}");

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(folder, recursive: true);
    }
}

public sealed class PostgresConsentRecordStoreTests(PostgresSchema schema) : ConsentRecordStoreContractTests, IClassFixture<PostgresSchema>
{
    protected override IConsentRecordStore CreateStore() => ConsentRecordStoreFactory.Create("postgres", schema.ConnectionString);
}
