using System.Security.Cryptography;
using System.Text;
using Automation.Engine.Execution;
using Automation.Engine.Persistence;
using Automation.Engine.Security;
using Automation.Persistence.Postgres;
using Automation.Persistence.Sqlite;
using Microsoft.Data.Sqlite;
using Npgsql;
using static Automation.Persistence.Tests.TestData;

namespace Automation.Persistence.Tests;

/// <summary>Instance state (which holds patient contexts) is encrypted at rest when the store has a PHI key ring.</summary>
public abstract class StateEncryptionTests
{
    private const string Phi = "HbA1c 9.1% for Jane Doe";
    private readonly PhiProtector phi = new(new Dictionary<string, byte[]> { ["k1"] = RandomNumberGenerator.GetBytes(32) }, "k1");

    protected abstract IWorkflowStore CreateStore(PhiProtector? phi);

    protected abstract Task<byte[]> RawStateAsync(string instanceId);

    [Fact]
    public async Task State_IsEncryptedAtRest_AndReadsBackWhole()
    {
        var store = CreateStore(phi);
        var state = State(Id("enc"), "journey");
        state.Variables["lab"] = Phi;
        await store.CommitAsync(NewCommit(state));

        var raw = await RawStateAsync(state.InstanceId);
        Assert.DoesNotContain("HbA1c", Encoding.UTF8.GetString(raw), StringComparison.Ordinal);
        Assert.Equal((byte)1, raw[0]);
        Assert.Equal(Phi, (await store.GetInstanceAsync(state.InstanceId))!.Variables["lab"]);
    }

    [Fact]
    public async Task BatchCommits_AreEncryptedToo()
    {
        var store = CreateStore(phi);
        var states = Enumerable.Range(0, 3).Select(_ => State(Id("enc-batch"), "journey")).ToList();
        states.ForEach(s => s.Variables["lab"] = Phi);
        await store.CommitBatchAsync([.. states.Select(s => NewCommit(s))]);

        foreach (var state in states)
        {
            Assert.DoesNotContain("HbA1c", Encoding.UTF8.GetString(await RawStateAsync(state.InstanceId)), StringComparison.Ordinal);
            Assert.Equal(Phi, (await store.GetInstanceAsync(state.InstanceId))!.Variables["lab"]);
        }
    }

    [Fact]
    public async Task PlainRowsFromBeforeEncryption_StillRead_AndWithoutTheKeyRingAnEncryptedRowIsAClearError()
    {
        var plain = State(Id("plain"), "journey");
        plain.Variables["note"] = "written before encryption was on";
        await CreateStore(null).CommitAsync(NewCommit(plain));
        Assert.Equal("written before encryption was on", (await CreateStore(phi).GetInstanceAsync(plain.InstanceId))!.Variables["note"]);

        var encrypted = State(Id("enc"), "journey");
        await CreateStore(phi).CommitAsync(NewCommit(encrypted));
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => CreateStore(null).GetInstanceAsync(encrypted.InstanceId));
        Assert.Contains("no PHI key ring", error.Message, StringComparison.Ordinal);
    }
}

public sealed class SqliteStateEncryptionTests(SqliteStoreFixture fixture) : StateEncryptionTests, IClassFixture<SqliteStoreFixture>
{
    protected override IWorkflowStore CreateStore(PhiProtector? phi) => new SqliteWorkflowStore(fixture.ConnectionString, phi);

    protected override async Task<byte[]> RawStateAsync(string instanceId)
    {
        await using var connection = new SqliteConnection(fixture.ConnectionString);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT state FROM instances WHERE id = $id";
        command.Parameters.AddWithValue("$id", instanceId);
        return (byte[])(await command.ExecuteScalarAsync())!;
    }
}

public sealed class PostgresStateEncryptionTests(PostgresStoreFixture fixture) : StateEncryptionTests, IClassFixture<PostgresStoreFixture>
{
    protected override IWorkflowStore CreateStore(PhiProtector? phi) => new PostgresWorkflowStore(fixture.ConnectionString, phi);

    protected override async Task<byte[]> RawStateAsync(string instanceId)
    {
        await using var connection = new NpgsqlConnection(fixture.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT state FROM instances WHERE id = $1", connection) { Parameters = { new NpgsqlParameter { Value = instanceId } } };
        return (byte[])(await command.ExecuteScalarAsync())!;
    }
}
