using Automation.Activities.Segments.Language;
using Automation.Activities.Segments.Repository;
using Automation.Activities.Segments.Tests.Support;
using Microsoft.Extensions.Time.Testing;

namespace Automation.Activities.Segments.Tests.Repository;

/// <summary>One contract for the segment store and repository, run against SQLite and PostgreSQL.</summary>
public abstract class SegmentRepositoryContract<TFixture>(TFixture fixture) : IAsyncLifetime
    where TFixture : ISegmentStoreFixture
{
    private readonly FakeTimeProvider clock = new(TestSegments.Now);
    private SegmentStore store = null!;

    public async Task InitializeAsync()
    {
        store = SegmentStore.Create(fixture.Provider, fixture.ConnectionString);
        await store.MigrateAsync();
        foreach (var existing in await store.ListAsync())
        {
            await store.DeleteAsync(existing.Id);
        }
    }

    public async Task DisposeAsync() => await store.DisposeAsync();

    private SegmentRepository Repository() => new(store, clock);

    private static string Doc(string id, string rules) => $$"""{"id":"{{id}}","rules":{{rules}}}""";

    [Fact]
    public async Task Store_SaveGetListDelete_RoundTrips()
    {
        Assert.True(await store.SaveAsync(new StoredSegment("b", "{\"x\":1}", TestSegments.Now)));
        Assert.False(await store.SaveAsync(new StoredSegment("b", "{\"x\":2}", TestSegments.Now.AddMinutes(1))));
        Assert.True(await store.AddIfAbsentAsync(new StoredSegment("a", "{}", TestSegments.Now)));
        Assert.False(await store.AddIfAbsentAsync(new StoredSegment("a", "{\"changed\":true}", TestSegments.Now)));

        var b = await store.GetAsync("b");
        Assert.Equal("{\"x\":2}", b!.Document);
        Assert.Equal(TestSegments.Now.AddMinutes(1), b.UpdatedAt);
        Assert.Equal(["a", "b"], (await store.ListAsync()).Select(s => s.Id));
        Assert.Equal("{}", (await store.GetAsync("a"))!.Document);
        Assert.True(await store.DeleteAsync("a"));
        Assert.False(await store.DeleteAsync("a"));
        Assert.Null(await store.GetAsync("a"));
    }

    [Fact]
    public async Task Initialize_SeedsTheWorkflowsFolder_WithoutOverwritingEdits()
    {
        await store.SaveAsync(new StoredSegment("age-50-75", Doc("age-50-75", """{"age":{"min":51,"max":75}}"""), TestSegments.Now));

        var skipped = await Repository().InitializeAsync(TestSegments.Folder);

        Assert.Empty(skipped);
        var ids = (await store.ListAsync()).Select(s => s.Id).ToList();
        Assert.Contains("diabetic", ids);
        Assert.Contains("at-risk", ids);
        Assert.Contains("\"min\":51", (await store.GetAsync("age-50-75"))!.Document, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Initialize_InvalidSeedFile_IsSkippedAndReported()
    {
        var folder = Directory.CreateTempSubdirectory("automation-seed-").FullName;
        await File.WriteAllTextAsync(Path.Combine(folder, "good.json"), Doc("good", """{"age":{"min":1}}"""));
        await File.WriteAllTextAsync(Path.Combine(folder, "bad.json"), Doc("bad", """{"segment":"missing"}"""));

        var skipped = await Repository().InitializeAsync(folder);

        Assert.Equal(["good"], (await store.ListAsync()).Select(s => s.Id));
        Assert.Contains("bad.json: $.rules.segment: unknown segment 'missing'", Assert.Single(skipped), StringComparison.Ordinal);
        Directory.Delete(folder, recursive: true);
    }

    [Fact]
    public async Task Save_Invalid_WritesNothingAndReportsThePath()
    {
        var repository = Repository();
        await repository.InitializeAsync(null);

        var exception = await Assert.ThrowsAsync<SegmentValidationException>(() => repository.SaveAsync("x", Doc("x", """{"all":[{"age":{"min":1}},{"condition":{"system":"icd-9","codes":["250"]}}]}""")));

        Assert.Equal("$.rules.all[1].condition.system", exception.Problems[0].Path);
        Assert.Empty(await store.ListAsync());
    }

    [Fact]
    public async Task Save_ThatWouldCloseACycle_IsRefused()
    {
        var repository = Repository();
        await repository.InitializeAsync(null);
        await repository.SaveAsync("a", Doc("a", """{"age":{"min":1}}"""));
        await repository.SaveAsync("b", Doc("b", """{"segment":"a"}"""));

        var exception = await Assert.ThrowsAsync<SegmentValidationException>(() => repository.SaveAsync("a", Doc("a", """{"segment":"b"}""")));

        Assert.Contains(exception.Problems, p => p.Message.Contains("reference cycle", StringComparison.Ordinal));
        Assert.Contains("\"age\"", (await store.GetAsync("a"))!.Document, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Save_ThenGetCompiled_SeesTheNewVersion()
    {
        var repository = Repository();
        await repository.InitializeAsync(null);
        var (_, created) = await repository.SaveAsync("s", Doc("s", """{"age":{"min":1}}"""));
        var first = await repository.GetCompiledAsync("s");
        var (_, createdAgain) = await repository.SaveAsync("s", Doc("s", """{"all":[{"age":{"min":1}},{"gender":"female"}]}"""));

        var second = await repository.GetCompiledAsync("s");

        Assert.True(created);
        Assert.False(createdAgain);
        Assert.Equal(1, first!.PredicateCount);
        Assert.Equal(2, second!.PredicateCount);
        Assert.True(repository.Contains("s"));
        Assert.Null(await repository.GetCompiledAsync("nope"));
    }

    [Fact]
    public async Task GetCompiled_SeesAnotherNodesEditAfterTheRefreshInterval()
    {
        var repository = Repository();
        await repository.InitializeAsync(null);
        await repository.SaveAsync("s", Doc("s", """{"age":{"min":1}}"""));
        await repository.GetCompiledAsync("s");
        await store.SaveAsync(new StoredSegment("s", Doc("s", """{"all":[{"age":{"min":1}},{"gender":"male"}]}"""), TestSegments.Now)); // another node

        var stale = await repository.GetCompiledAsync("s");
        clock.Advance(repository.RefreshInterval + TimeSpan.FromSeconds(1));
        var fresh = await repository.GetCompiledAsync("s");

        Assert.Equal(1, stale!.PredicateCount);
        Assert.Equal(2, fresh!.PredicateCount);
    }

    [Fact]
    public async Task Delete_Referenced_IsRefusedWithTheReferrers()
    {
        var repository = Repository();
        await repository.InitializeAsync(null);
        await repository.SaveAsync("a", Doc("a", """{"age":{"min":1}}"""));
        await repository.SaveAsync("b", Doc("b", """{"not":{"segment":"a"}}"""));

        var refused = await repository.DeleteAsync("a");
        var deleted = await repository.DeleteAsync("b");
        var missing = await repository.DeleteAsync("b");

        Assert.False(refused.Deleted);
        Assert.Equal(["b"], refused.ReferencedBy);
        Assert.True(deleted.Deleted);
        Assert.Equal((false, 0), (missing.Deleted, missing.ReferencedBy.Count));
        Assert.NotNull(await store.GetAsync("a"));
    }
}

public sealed class SqliteSegmentRepositoryTests(SqliteSegmentStoreFixture fixture)
    : SegmentRepositoryContract<SqliteSegmentStoreFixture>(fixture), IClassFixture<SqliteSegmentStoreFixture>;

public sealed class PostgresSegmentRepositoryTests(PostgresSegmentStoreFixture fixture)
    : SegmentRepositoryContract<PostgresSegmentStoreFixture>(fixture), IClassFixture<PostgresSegmentStoreFixture>;
