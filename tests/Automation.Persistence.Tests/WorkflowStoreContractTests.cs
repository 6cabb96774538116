using System.Text.Json.Nodes;
using Automation.Engine.Bookmarks;
using Automation.Engine.Execution;
using Automation.Engine.Persistence;
using static Automation.Persistence.Tests.TestData;

namespace Automation.Persistence.Tests;

/// <summary>The one behaviour every <see cref="IWorkflowStore"/> must show. Subclasses supply a migrated store; tests
/// share it per class and use unique ids, so each test is independent of the others.</summary>
public abstract class WorkflowStoreContractTests
{
    /// <summary>The migrated store under test.</summary>
    protected abstract IWorkflowStore Store { get; }

    /// <summary>A second store over the same database.</summary>
    protected abstract IWorkflowStore CreateStore();

    /// <summary>How many rows the store keeps for an instance's journal (its own table, read directly).</summary>
    protected abstract Task<long> CountJournalRowsAsync(string instanceId);

    /// <summary>The names of the indexes on the instances table (store SQL).</summary>
    protected abstract Task<IReadOnlyList<string>> InstanceIndexesAsync();

    // ---- Migrations ----

    [Fact]
    public async Task LockInstanceAsync_HeldByAnotherStoreInstance_WaitsUntilReleased()
    {
        // Arrange: a second store instance stands in for a second process on the same database.
        var instanceId = "lock-" + Guid.NewGuid().ToString("N");
        var other = CreateStore();
        var first = await Store.LockInstanceAsync(instanceId);

        // Act
        var second = other.LockInstanceAsync(instanceId);
        var finishedEarly = await Task.WhenAny(second, Task.Delay(300)) == second;
        await first.DisposeAsync();
        var acquired = await second.WaitAsync(TimeSpan.FromSeconds(10));

        // Assert
        Assert.False(finishedEarly, "the second lock was granted while the first was held");
        await acquired.DisposeAsync();
        await using var again = await Store.LockInstanceAsync(instanceId).WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task LockInstanceAsync_DifferentInstances_DoNotBlockEachOther()
    {
        await using var a = await Store.LockInstanceAsync("lock-a-" + Guid.NewGuid().ToString("N"));

        await using var b = await Store.LockInstanceAsync("lock-b-" + Guid.NewGuid().ToString("N")).WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task MigrateAsync_RunTwiceOnSameDatabase_IsIdempotent()
    {
        // Arrange
        var other = CreateStore();
        var definitionId = Id("def");

        // Act
        await other.MigrateAsync();
        await other.MigrateAsync();
        await Store.SaveDefinitionAsync(Definition(definitionId, 1, isLatest: true, isPublished: true));

        // Assert
        Assert.NotNull(await other.FindDefinitionAsync(definitionId, VersionOptions.Latest));
        await DisposeAsync(other);
    }

    [Fact]
    public async Task MigrateAsync_LeavesOneIndexForLookupsByDefinition_TheOneWithTheCorrelationId()
    {
        var indexes = await InstanceIndexesAsync();

        Assert.Contains("ix_instances_definition_correlation", indexes);
        Assert.DoesNotContain("ix_instances_definition", indexes);
    }

    // ---- Definitions ----

    [Fact]
    public async Task FindDefinitionAsync_EachVersionOption_ReturnsMatchingVersion()
    {
        // Arrange
        var definitionId = Id("def");
        await Store.SaveDefinitionAsync(Definition(definitionId, 1, isLatest: true, isPublished: true));
        await Store.SaveDefinitionAsync(Definition(definitionId, 2, isLatest: true, isPublished: false));

        // Act
        var latest = await Store.FindDefinitionAsync(definitionId, VersionOptions.Latest);
        var published = await Store.FindDefinitionAsync(definitionId, VersionOptions.Published);
        var latestOrPublished = await Store.FindDefinitionAsync(definitionId, VersionOptions.LatestOrPublished);
        var all = await Store.FindDefinitionAsync(definitionId, VersionOptions.AllVersions);
        var first = await Store.FindDefinitionAsync(definitionId, VersionOptions.SpecificVersion(1));
        var missingVersion = await Store.FindDefinitionAsync(definitionId, VersionOptions.SpecificVersion(3));
        var missingDefinition = await Store.FindDefinitionAsync(Id("def"), VersionOptions.Latest);

        // Assert
        Assert.Equal(2, latest?.Version);
        Assert.Equal(1, published?.Version);
        Assert.Equal(2, latestOrPublished?.Version);
        Assert.Equal(2, all?.Version);
        Assert.Equal(1, first?.Version);
        Assert.Null(missingVersion);
        Assert.Null(missingDefinition);
        Assert.True(published!.IsPublished);
        Assert.False(published.IsLatest);
        Assert.Equal(1.5, published.Document["customDesignerField"]?["zoom"]?.GetValue<double>());
    }

    [Fact]
    public async Task FindDefinitionAsync_LatestOrPublishedWithoutLatestFlag_ReturnsPublished()
    {
        // Arrange
        var definitionId = Id("def");
        await Store.SaveDefinitionAsync(Definition(definitionId, 1, isLatest: false, isPublished: true));

        // Act
        var found = await Store.FindDefinitionAsync(definitionId, VersionOptions.LatestOrPublished);

        // Assert
        Assert.Equal(1, found?.Version);
    }

    [Fact]
    public async Task GetDefinitionVersionAsync_KnownAndUnknownId_ReturnsVersionOrNull()
    {
        // Arrange
        var definitionId = Id("def");
        var definition = Definition(definitionId, 1, isLatest: true, isPublished: false, name: "Referral intake");
        await Store.SaveDefinitionAsync(definition);

        // Act
        var found = await Store.GetDefinitionVersionAsync(definition.Id);
        var missing = await Store.GetDefinitionVersionAsync(Id("version"));

        // Assert
        Assert.NotNull(found);
        Assert.Equal("Referral intake", found.Name);
        Assert.Equal(definitionId, found.DefinitionId);
        Assert.Single(found.Root.Activities);
        Assert.Null(missing);
    }

    [Fact]
    public async Task SaveDefinitionAsync_SameVersionIdTwice_ReplacesIt()
    {
        // Arrange
        var definitionId = Id("def");
        await Store.SaveDefinitionAsync(Definition(definitionId, 1, isLatest: true, isPublished: false, name: "Before"));

        // Act
        await Store.SaveDefinitionAsync(Definition(definitionId, 1, isLatest: true, isPublished: true, name: "After"));

        // Assert
        var versions = await Store.ListDefinitionsAsync(VersionOptions.AllVersions, definitionId);
        var only = Assert.Single(versions);
        Assert.Equal("After", only.Name);
        Assert.True(only.IsPublished);
    }

    [Fact]
    public async Task SaveDefinitionAsync_PublishNewVersion_ClearsFlagsOnOldVersionInColumnsAndJson()
    {
        // Arrange
        var definitionId = Id("def");
        var first = Definition(definitionId, 1, isLatest: true, isPublished: true);
        await Store.SaveDefinitionAsync(first);

        // Act
        await Store.SaveDefinitionAsync(Definition(definitionId, 2, isLatest: true, isPublished: true));

        // Assert
        var old = await Store.GetDefinitionVersionAsync(first.Id);
        Assert.NotNull(old);
        Assert.False(old.IsLatest);
        Assert.False(old.IsPublished);
        Assert.False(old.Document["isLatest"]!.GetValue<bool>());
        Assert.False(old.Document["isPublished"]!.GetValue<bool>());
        var published = await Store.ListDefinitionsAsync(VersionOptions.Published, definitionId);
        Assert.Equal([2], published.Select(d => d.Version));
        var latest = await Store.ListDefinitionsAsync(VersionOptions.Latest, definitionId);
        Assert.Equal([2], latest.Select(d => d.Version));
    }

    [Fact]
    public async Task SaveDefinitionAsync_NewDraftVersion_KeepsOldVersionPublished()
    {
        // Arrange
        var definitionId = Id("def");
        var first = Definition(definitionId, 1, isLatest: true, isPublished: true);
        await Store.SaveDefinitionAsync(first);

        // Act
        await Store.SaveDefinitionAsync(Definition(definitionId, 2, isLatest: true, isPublished: false));

        // Assert
        var old = await Store.GetDefinitionVersionAsync(first.Id);
        Assert.NotNull(old);
        Assert.False(old.IsLatest);
        Assert.True(old.IsPublished);
        Assert.Equal(1, (await Store.FindDefinitionAsync(definitionId, VersionOptions.Published))?.Version);
    }

    [Fact]
    public async Task ListDefinitionsAsync_EachVersionOption_ReturnsVersionsOrderedByDefinitionThenVersion()
    {
        // Arrange
        var a = Id("a-def");
        var b = Id("b-def");
        await Store.SaveDefinitionAsync(Definition(a, 1, isLatest: true, isPublished: true));
        await Store.SaveDefinitionAsync(Definition(a, 2, isLatest: true, isPublished: false));
        await Store.SaveDefinitionAsync(Definition(b, 1, isLatest: true, isPublished: true));

        // Act
        var all = await Store.ListDefinitionsAsync(VersionOptions.AllVersions);
        var allOfA = await Store.ListDefinitionsAsync(VersionOptions.AllVersions, a);
        var latest = await Store.ListDefinitionsAsync(VersionOptions.Latest);
        var published = await Store.ListDefinitionsAsync(VersionOptions.Published);

        // Assert
        Assert.Equal(["1", "2"], allOfA.Select(d => d.Version.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        Assert.Equal([(a, 1), (a, 2), (b, 1)], all.Where(d => d.DefinitionId == a || d.DefinitionId == b).Select(d => (d.DefinitionId, d.Version)));
        Assert.Equal([(a, 2), (b, 1)], latest.Where(d => d.DefinitionId == a || d.DefinitionId == b).Select(d => (d.DefinitionId, d.Version)));
        Assert.Equal([(a, 1), (b, 1)], published.Where(d => d.DefinitionId == a || d.DefinitionId == b).Select(d => (d.DefinitionId, d.Version)));
        Assert.All(latest, d => Assert.True(d.IsLatest));
    }

    [Fact]
    public async Task DeleteDefinitionVersionAsync_LatestVersion_PromotesNewestRemaining()
    {
        // Arrange
        var definitionId = Id("def");
        await Store.SaveDefinitionAsync(Definition(definitionId, 1, isLatest: true, isPublished: true));
        var second = Definition(definitionId, 2, isLatest: true, isPublished: false);
        await Store.SaveDefinitionAsync(second);

        // Act
        var deleted = await Store.DeleteDefinitionVersionAsync(second.Id);
        var deletedAgain = await Store.DeleteDefinitionVersionAsync(second.Id);

        // Assert
        Assert.True(deleted);
        Assert.False(deletedAgain);
        var latest = await Store.FindDefinitionAsync(definitionId, VersionOptions.Latest);
        Assert.Equal(1, latest?.Version);
        Assert.True(latest!.IsLatest);
        Assert.True(latest.Document["isLatest"]!.GetValue<bool>());
        Assert.True(latest.IsPublished);
    }

    [Fact]
    public async Task DeleteDefinitionAsync_DefinitionWithTwoVersions_DeletesBoth()
    {
        // Arrange
        var definitionId = Id("def");
        await Store.SaveDefinitionAsync(Definition(definitionId, 1, isLatest: true, isPublished: true));
        await Store.SaveDefinitionAsync(Definition(definitionId, 2, isLatest: true, isPublished: false));

        // Act
        var deleted = await Store.DeleteDefinitionAsync(definitionId);

        // Assert
        Assert.Equal(2, deleted);
        Assert.Empty(await Store.ListDefinitionsAsync(VersionOptions.AllVersions, definitionId));
        Assert.Null(await Store.FindDefinitionAsync(definitionId, VersionOptions.Published));
        Assert.Equal(0, await Store.DeleteDefinitionAsync(definitionId));
    }

    // ---- Instances ----

    [Fact]
    public async Task CommitAsync_NewInstance_RoundTripsStateAndAdvancesRevision()
    {
        // Arrange
        var instanceId = Id("wi");
        var created = Now().ToOffset(TimeSpan.FromHours(2));
        var state = State(instanceId, Id("def"), created, WorkflowStatus.Suspended, correlationId: "order-42");
        state.Input["patientRef"] = "p-1";
        state.Variables["count"] = 3L;
        state.Variables["nested"] = new Dictionary<string, object?>
        {
            ["list"] = new List<object?> { 1L, "two", 3.5, true, null, new Dictionary<string, object?> { ["deep"] = "yes" } },
            ["empty"] = new Dictionary<string, object?>(),
        };
        state.Outputs["activity1"] = new Dictionary<string, object?> { ["Result"] = "ok" };
        state.JoinTokens["join1"] = [0, 2];
        state.Incidents.Add(new Incident("activity2", "Elsa.Http", "Timed out", created.AddSeconds(1)));
        state.Bookmarks.Add(Bookmark(instanceId, Id("hash"), "order-42", payload: new Dictionary<string, object?> { ["event"] = "Approved" }));
        state.Bookmarks.Add(Bookmark(instanceId, Id("hash"), resumeAt: Now().AddMinutes(5)));
        state.JournalSequence = 3;
        state.UpdatedAt = created.AddSeconds(2);
        state.FinishedAt = created.AddSeconds(3);

        // Act
        await Store.CommitAsync(new WorkflowCommit(state, 0, Journal(3)));
        var loaded = await Store.GetInstanceAsync(instanceId);

        // Assert
        Assert.Equal(1, state.Revision);
        Assert.NotNull(loaded);
        Assert.Equal(1, loaded.Revision);
        Assert.Equal(WorkflowStatus.Suspended, loaded.Status);
        Assert.Equal("order-42", loaded.CorrelationId);
        Assert.Equal(state.DefinitionId, loaded.DefinitionId);
        Assert.Equal(state.DefinitionVersionId, loaded.DefinitionVersionId);
        Assert.Equal(Json(state.Input), Json(loaded.Input));
        Assert.Equal(Json(state.Variables), Json(loaded.Variables));
        Assert.Equal(Json(state.Outputs), Json(loaded.Outputs));
        Assert.Equal([0, 2], loaded.JoinTokens["join1"]);
        var incident = Assert.Single(loaded.Incidents);
        Assert.Equal(state.Incidents[0], incident);
        Assert.Equal(state.Bookmarks.Select(b => b.Id), loaded.Bookmarks.Select(b => b.Id));
        Assert.Equal(Json(state.Bookmarks[0].Payload), Json(loaded.Bookmarks[0].Payload));
        Assert.Equal(state.Bookmarks[1].ResumeAt, loaded.Bookmarks[1].ResumeAt);
        Assert.Equal(3, loaded.JournalSequence);
        Assert.Equal(created, loaded.CreatedAt);
        Assert.Equal(state.UpdatedAt, loaded.UpdatedAt);
        Assert.Equal(state.FinishedAt, loaded.FinishedAt);
        Assert.Equal(3, (await Store.GetJournalAsync(instanceId)).Count);
        Assert.Null(await Store.GetInstanceAsync(Id("wi")));
    }

    [Fact]
    public async Task CommitAsync_Update_AdvancesRevisionAndReplacesBookmarks()
    {
        // Arrange
        var instanceId = Id("wi");
        var hash = Id("hash");
        var state = State(instanceId, Id("def"), status: WorkflowStatus.Suspended);
        var first = Bookmark(instanceId, hash);
        var second = Bookmark(instanceId, hash);
        state.Bookmarks.AddRange([first, second]);
        await Store.CommitAsync(new WorkflowCommit(state, 0, Journal(2)));
        var replacement = Bookmark(instanceId, Id("hash"));

        // Act
        state.Bookmarks.Clear();
        state.Bookmarks.Add(replacement);
        state.Variables["step"] = 2L;
        await Store.CommitAsync(new WorkflowCommit(state, 1, Journal(2, firstSequence: 3)));

        // Assert
        Assert.Equal(2, state.Revision);
        var loaded = await Store.GetInstanceAsync(instanceId);
        Assert.Equal(2, loaded?.Revision);
        Assert.Equal("2", Json(loaded!.Variables["step"]));
        Assert.Empty(await Store.FindBookmarksAsync(hash, null));
        Assert.Null(await Store.GetBookmarkAsync(first.Id));
        Assert.Equal(replacement, await Store.GetBookmarkAsync(replacement.Id));
        Assert.Equal([1L, 2, 3, 4], (await Store.GetJournalAsync(instanceId)).Select(e => e.Sequence));
    }

    [Fact]
    public async Task CommitAsync_StaleRevision_ThrowsAndLeavesStoreUnchanged()
    {
        // Arrange
        var instanceId = Id("wi");
        var hash = Id("hash");
        var state = State(instanceId, Id("def"), status: WorkflowStatus.Suspended);
        var bookmark = Bookmark(instanceId, hash);
        state.Bookmarks.Add(bookmark);
        await Store.CommitAsync(new WorkflowCommit(state, 0, Journal(1)));
        await Store.CommitAsync(new WorkflowCommit(state, 1, Journal(1, firstSequence: 2)));
        var stale = State(instanceId, state.DefinitionId, status: WorkflowStatus.Finished);
        stale.Bookmarks.Add(Bookmark(instanceId, Id("hash")));

        // Act
        var exception = await Assert.ThrowsAsync<WorkflowConcurrencyException>(() => Store.CommitAsync(new WorkflowCommit(stale, 1, Journal(1, firstSequence: 3))));

        // Assert
        Assert.Equal(instanceId, exception.InstanceId);
        Assert.Equal(1, exception.ExpectedRevision);
        Assert.Equal(0, stale.Revision);
        var loaded = await Store.GetInstanceAsync(instanceId);
        Assert.Equal(2, loaded?.Revision);
        Assert.Equal(WorkflowStatus.Suspended, loaded!.Status);
        Assert.Equal([bookmark.Id], (await Store.FindBookmarksAsync(hash, null)).Select(b => b.Id));
        Assert.Null(await Store.GetBookmarkAsync(stale.Bookmarks[0].Id));
        Assert.Equal(2, (await Store.GetJournalAsync(instanceId)).Count);
    }

    [Fact]
    public async Task CommitAsync_DuplicateNewInstanceId_ThrowsConcurrencyException()
    {
        // Arrange
        var instanceId = Id("wi");
        await Store.CommitAsync(NewCommit(State(instanceId, Id("def")), journalEntries: 2));
        var duplicate = State(instanceId, Id("def"), status: WorkflowStatus.Faulted);

        // Act
        var exception = await Assert.ThrowsAsync<WorkflowConcurrencyException>(() => Store.CommitAsync(NewCommit(duplicate, journalEntries: 2)));

        // Assert
        Assert.Equal(instanceId, exception.InstanceId);
        Assert.Equal(0, duplicate.Revision);
        Assert.Equal(WorkflowStatus.Running, (await Store.GetInstanceAsync(instanceId))?.Status);
    }

    [Fact]
    public async Task ListInstancesAsync_FilterAndPage_ReturnsNewestFirstWithTotal()
    {
        // Arrange
        var definitionId = Id("def");
        var start = Now();
        var ids = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            var state = State(Id("wi"), definitionId, start.AddSeconds(i), i % 2 == 0 ? WorkflowStatus.Finished : WorkflowStatus.Suspended, correlationId: i < 2 ? "batch-a" : null);
            state.FinishedAt = i % 2 == 0 ? start.AddSeconds(i + 1) : null;
            state.Incidents.Add(new Incident("a", "T", "m", start));
            await Store.CommitAsync(NewCommit(state));
            ids.Add(state.InstanceId);
        }

        await Store.CommitAsync(NewCommit(State(Id("wi"), Id("def"), start)));

        // Act
        var firstPage = await Store.ListInstancesAsync(new InstanceQuery { DefinitionId = definitionId, Take = 2 });
        var secondPage = await Store.ListInstancesAsync(new InstanceQuery { DefinitionId = definitionId, Skip = 2, Take = 2 });
        var finished = await Store.ListInstancesAsync(new InstanceQuery { DefinitionId = definitionId, Status = WorkflowStatus.Finished });
        var correlated = await Store.ListInstancesAsync(new InstanceQuery { DefinitionId = definitionId, CorrelationId = "batch-a" });

        // Assert
        Assert.Equal(5, firstPage.TotalCount);
        Assert.Equal([ids[4], ids[3]], firstPage.Items.Select(i => i.Id));
        Assert.Equal([ids[2], ids[1]], secondPage.Items.Select(i => i.Id));
        Assert.Equal(3, finished.TotalCount);
        Assert.Equal([ids[4], ids[2], ids[0]], finished.Items.Select(i => i.Id));
        Assert.Equal([ids[1], ids[0]], correlated.Items.Select(i => i.Id));
        var newest = firstPage.Items[0];
        Assert.Equal(definitionId, newest.DefinitionId);
        Assert.Equal(definitionId + ":v1", newest.DefinitionVersionId);
        Assert.Equal(1, newest.Version);
        Assert.Equal(WorkflowStatus.Finished, newest.Status);
        Assert.Equal(1, newest.IncidentCount);
        Assert.Equal(start.AddSeconds(4), newest.CreatedAt);
        Assert.Equal(start.AddSeconds(4), newest.UpdatedAt);
        Assert.Equal(start.AddSeconds(5), newest.FinishedAt);
        Assert.Null(firstPage.Items[1].FinishedAt);
        Assert.Equal("batch-a", correlated.Items[0].CorrelationId);
    }

    [Fact]
    public async Task DeleteInstanceAsync_ExistingInstance_RemovesBookmarksAndJournal()
    {
        // Arrange
        var instanceId = Id("wi");
        var state = State(instanceId, Id("def"), status: WorkflowStatus.Suspended);
        var bookmark = Bookmark(instanceId, Id("hash"), resumeAt: Now());
        state.Bookmarks.Add(bookmark);
        await Store.CommitAsync(NewCommit(state, journalEntries: 4));

        // Act
        var deleted = await Store.DeleteInstanceAsync(instanceId);
        var deletedAgain = await Store.DeleteInstanceAsync(instanceId);

        // Assert
        Assert.True(deleted);
        Assert.False(deletedAgain);
        Assert.Null(await Store.GetInstanceAsync(instanceId));
        Assert.Null(await Store.GetBookmarkAsync(bookmark.Id));
        Assert.Empty(await Store.GetJournalAsync(instanceId));
        Assert.DoesNotContain(await Store.ListDueTimersAsync(DateTimeOffset.UtcNow.AddYears(1000), null, int.MaxValue), b => b.Id == bookmark.Id);
    }

    // ---- Bookmarks and timers ----

    [Fact]
    public async Task FindBookmarksAsync_WithAndWithoutCorrelationId_FiltersAndOrdersOldestFirst()
    {
        // Arrange
        var hash = Id("hash");
        var start = Now();
        var instanceA = State(Id("wi"), Id("def"), status: WorkflowStatus.Suspended);
        var instanceB = State(Id("wi"), Id("def"), status: WorkflowStatus.Suspended);
        var newest = Bookmark(instanceA.InstanceId, hash, correlationId: null, createdAt: start.AddSeconds(3));
        var oldest = Bookmark(instanceA.InstanceId, hash, correlationId: "c1", createdAt: start.AddSeconds(1), payload: new Dictionary<string, object?> { ["name"] = "Approved", ["n"] = 1L });
        var middle = Bookmark(instanceB.InstanceId, hash, correlationId: "c2", createdAt: start.AddSeconds(2));
        instanceA.Bookmarks.AddRange([newest, oldest, Bookmark(instanceA.InstanceId, Id("other-hash"), "c1")]);
        instanceB.Bookmarks.Add(middle);
        await Store.CommitBatchAsync([NewCommit(instanceA), NewCommit(instanceB)]);

        // Act
        var all = await Store.FindBookmarksAsync(hash, null);
        var c1 = await Store.FindBookmarksAsync(hash, "c1");
        var c3 = await Store.FindBookmarksAsync(hash, "c3");

        // Assert
        Assert.Equal([oldest.Id, middle.Id, newest.Id], all.Select(b => b.Id));
        var found = Assert.Single(c1);
        Assert.Empty(c3);
        Assert.Equal(oldest with { Payload = null }, found with { Payload = null });
        Assert.Equal(Json(oldest.Payload), Json(found.Payload));
        Assert.Equal(instanceB.InstanceId, all[1].InstanceId);
    }

    [Fact]
    public async Task NextTimerDueAsync_IsTheEarliestTimer_AndMovesOnWhenItIsGone()
    {
        // Arrange: earlier than any timer another test of this store leaves behind.
        var start = TestData.Now().AddYears(-60);
        var state = State(Id("wi"), Id("def"), status: WorkflowStatus.Suspended);
        state.Bookmarks.AddRange([Bookmark(state.InstanceId, Id("hash"), resumeAt: start.AddMinutes(2)), Bookmark(state.InstanceId, Id("hash"), resumeAt: start.AddMinutes(1)), Bookmark(state.InstanceId, Id("hash"))]);
        await Store.CommitAsync(NewCommit(state));

        // Act
        var next = await Store.NextTimerDueAsync();
        await Store.DeleteInstanceAsync(state.InstanceId);
        var after = await Store.NextTimerDueAsync();

        // Assert
        Assert.Equal(start.AddMinutes(1), next);
        Assert.True(after is null || after > start.AddMinutes(2), $"the deleted instance's timer is still the next one due ({after:O})");
    }

    [Fact]
    public async Task ListDueTimersAsync_PagesInDueTimeThenIdOrder_AfterTheCursor()
    {
        // Arrange: a window of our own, far from other tests' timers; two timers share a due time.
        var start = Now().AddYears(-60).AddMinutes(Random.Shared.Next(1, 5_000_000));
        var state = State(Id("wi"), Id("def"), status: WorkflowStatus.Suspended);
        var timers = new[] { 3, 1, 2, 2, 4, 10 }.Select(minutes => Bookmark(state.InstanceId, Id("hash"), resumeAt: start.AddMinutes(minutes))).ToList();
        state.Bookmarks.AddRange(timers);
        state.Bookmarks.Add(Bookmark(state.InstanceId, Id("hash")));
        await Store.CommitAsync(NewCommit(state));
        var expected = timers.Where(t => t.ResumeAt <= start.AddMinutes(4)).OrderBy(t => t.ResumeAt).ThenBy(t => t.Id, StringComparer.Ordinal).Select(t => t.Id).ToList();

        // Act: pages of two from just before the window.
        var pages = new List<IReadOnlyList<Bookmark>>();
        (DateTimeOffset, string)? after = (start, "");
        while (true)
        {
            var page = await Store.ListDueTimersAsync(start.AddMinutes(4), after, 2);
            pages.Add(page);
            if (page.Count < 2)
            {
                break;
            }

            after = (page[^1].ResumeAt!.Value, page[^1].Id);
        }

        // Assert
        Assert.Equal([2, 2, 1], pages.Select(p => p.Count));
        Assert.Equal(expected, pages.SelectMany(p => p).Select(b => b.Id));
        Assert.Equal(start.AddMinutes(1), pages[0][0].ResumeAt);
        Assert.NotEmpty(await Store.ListDueTimersAsync(start.AddMinutes(4), null, 1));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Store.ListDueTimersAsync(start, null, 0));
    }

    // ---- Journal ----

    [Fact]
    public async Task GetJournalAsync_SkipAndTake_ReturnsPageInSequenceOrder()
    {
        // Arrange
        var instanceId = Id("wi");
        var state = State(instanceId, Id("def"));
        var journal = Journal(6);
        journal[5] = journal[5] with { Event = JournalEvent.Faulted, Outcomes = null, Message = "Expression failed in input 'Text'" };
        await Store.CommitAsync(new WorkflowCommit(state, 0, journal));
        await Store.CommitAsync(new WorkflowCommit(state, 1, Journal(4, firstSequence: 7)));

        // Act
        var page = await Store.GetJournalAsync(instanceId, skip: 3, take: 4);
        var all = await Store.GetJournalAsync(instanceId);
        var beyond = await Store.GetJournalAsync(instanceId, skip: 10);

        // Assert
        Assert.Equal([4L, 5, 6, 7], page.Select(e => e.Sequence));
        Assert.Equal(Enumerable.Range(1, 10).Select(i => (long)i), all.Select(e => e.Sequence));
        Assert.Empty(beyond);
        Assert.Equal(journal, all.Take(6));
    }

    [Fact]
    public async Task Journal_AnActivityStartedAndCompletedInOneCommit_IsOneRow_AndReadsBackAsBothEntries()
    {
        // Arrange: run-to-completion pairs (with an outcome, with none, finishing the workflow), a suspension across
        // commits, a fault, and a Completed whose Started went in an earlier commit.
        var instanceId = Id("wi");
        var state = State(instanceId, Id("def"));
        var at = Now();
        JournalEntry Entry(long sequence, int node, JournalEvent kind, string? outcomes = null, string? message = null, int ms = 0) =>
            new(sequence, at.AddMilliseconds(sequence * 10 + ms), "a" + node, "Workflow1:root:a" + node, "Test.Activity", kind, outcomes, message);
        List<JournalEntry> first =
        [
            Entry(1, 1, JournalEvent.Started), Entry(2, 1, JournalEvent.Completed, "Done", ms: 7),
            Entry(3, 2, JournalEvent.Started), Entry(4, 2, JournalEvent.Completed, ""),
            Entry(5, 3, JournalEvent.Started), Entry(6, 3, JournalEvent.Suspended),
            Entry(7, 4, JournalEvent.Started), Entry(8, 4, JournalEvent.Faulted, message: "the activity faulted."),
            Entry(9, 5, JournalEvent.Started),
        ];
        List<JournalEntry> second =
        [
            Entry(10, 5, JournalEvent.Completed, "Done"),
            Entry(11, 3, JournalEvent.Resumed), Entry(12, 3, JournalEvent.Completed, "Clicked,Timeout"),
            Entry(13, 6, JournalEvent.Started), Entry(14, 6, JournalEvent.Completed),
        ];
        await Store.CommitAsync(new WorkflowCommit(state, 0, first));
        await Store.CommitAsync(new WorkflowCommit(state, 1, second));

        // Act
        var all = await Store.GetJournalAsync(instanceId);
        var pages = new List<JournalEntry>();
        for (var skip = 0; skip < 14; skip += 3)
        {
            pages.AddRange(await Store.GetJournalAsync(instanceId, skip, 3));
        }

        // Assert
        Assert.Equal([.. first, .. second], all);
        Assert.Equal(all, pages);
        Assert.Equal([2L, 3], (await Store.GetJournalAsync(instanceId, 1, 2)).Select(e => e.Sequence));
        Assert.Empty(await Store.GetJournalAsync(instanceId, 3, 0));
        // Pairs 1-2, 3-4 and 13-14 are one row each; 9 and 10 were committed apart, so they stay two.
        Assert.Equal(11, await CountJournalRowsAsync(instanceId));
    }

    // ---- Batches ----

    [Fact]
    public async Task CommitBatchAsync_FiveHundredNewInstances_CommitsAll()
    {
        // Arrange
        var definitionId = Id("def");
        var start = Now();
        var commits = Enumerable.Range(0, 500).Select(i =>
        {
            var state = State(Id("wi"), definitionId, start.AddMilliseconds(i), i % 10 == 0 ? WorkflowStatus.Suspended : WorkflowStatus.Finished, correlationId: "c" + (i % 7));
            state.Variables["index"] = (long)i;
            if (i % 10 == 0)
            {
                state.Bookmarks.Add(Bookmark(state.InstanceId, "batch-" + definitionId, "c" + (i % 7), createdAt: start.AddMilliseconds(i)));
            }
            else
            {
                state.FinishedAt = start.AddMilliseconds(i + 1);
            }

            return new WorkflowCommit(state, 0, Journal(20, start: start));
        }).ToList();

        // Act
        await Store.CommitBatchAsync(commits);

        // Assert
        Assert.All(commits, c => Assert.Equal(1, c.State.Revision));
        var page = await Store.ListInstancesAsync(new InstanceQuery { DefinitionId = definitionId, Take = 1 });
        Assert.Equal(500, page.TotalCount);
        Assert.Equal(commits[499].State.InstanceId, page.Items[0].Id);
        var sample = await Store.GetInstanceAsync(commits[137].State.InstanceId);
        Assert.Equal("137", Json(sample?.Variables["index"]));
        Assert.Equal(1, sample!.Revision);
        Assert.Equal(20, (await Store.GetJournalAsync(commits[250].State.InstanceId)).Count);
        Assert.Equal(50, (await Store.FindBookmarksAsync("batch-" + definitionId, null)).Count);
    }

    [Fact]
    public async Task CommitBatchAsync_OneStaleUpdate_WritesNothing()
    {
        // Arrange
        var definitionId = Id("def");
        var existing = State(Id("wi"), definitionId, Now().AddDays(-1), WorkflowStatus.Suspended);
        await Store.CommitAsync(NewCommit(existing, journalEntries: 1));
        var commits = Enumerable.Range(0, 499).Select(_ => NewCommit(State(Id("wi"), definitionId), journalEntries: 20)).ToList();
        existing.Status = WorkflowStatus.Finished;
        commits.Insert(250, new WorkflowCommit(existing, 5, Journal(1, firstSequence: 2)));

        // Act
        var exception = await Assert.ThrowsAsync<WorkflowConcurrencyException>(() => Store.CommitBatchAsync(commits));

        // Assert
        Assert.Equal(existing.InstanceId, exception.InstanceId);
        Assert.All(commits, c => Assert.Equal(c == commits[250] ? 1 : 0, c.State.Revision));
        var page = await Store.ListInstancesAsync(new InstanceQuery { DefinitionId = definitionId });
        Assert.Equal(1, page.TotalCount);
        Assert.Equal(WorkflowStatus.Suspended, page.Items[0].Status);
        Assert.Empty(await Store.GetJournalAsync(commits[0].State.InstanceId));
        Assert.Single(await Store.GetJournalAsync(existing.InstanceId));
    }

    [Fact]
    public async Task CommitBatchAsync_OneNewInstanceIdAlreadyStored_WritesNothing()
    {
        // Arrange
        var definitionId = Id("def");
        var existingId = Id("wi");
        await Store.CommitAsync(NewCommit(State(existingId, definitionId, Now().AddDays(-1)), journalEntries: 1));
        var commits = Enumerable.Range(0, 499).Select(_ => NewCommit(State(Id("wi"), definitionId), journalEntries: 20)).ToList();
        commits.Insert(300, NewCommit(State(existingId, definitionId, status: WorkflowStatus.Faulted), journalEntries: 20));

        // Act
        var exception = await Assert.ThrowsAsync<WorkflowConcurrencyException>(() => Store.CommitBatchAsync(commits));

        // Assert
        Assert.Equal(existingId, exception.InstanceId);
        Assert.All(commits, c => Assert.Equal(0, c.State.Revision));
        var page = await Store.ListInstancesAsync(new InstanceQuery { DefinitionId = definitionId });
        Assert.Equal(1, page.TotalCount);
        Assert.Equal(WorkflowStatus.Running, page.Items[0].Status);
        Assert.Single(await Store.GetJournalAsync(existingId));
        Assert.Empty(await Store.GetJournalAsync(commits[0].State.InstanceId));
    }

    [Fact]
    public async Task CommitBatchAsync_NewAndExistingInstances_CommitsBothAndReplacesBookmarks()
    {
        // Arrange
        var existing = State(Id("wi"), Id("def"), status: WorkflowStatus.Suspended);
        var oldBookmark = Bookmark(existing.InstanceId, Id("hash"));
        existing.Bookmarks.Add(oldBookmark);
        await Store.CommitAsync(NewCommit(existing, journalEntries: 2));
        existing.Bookmarks.Clear();
        var newBookmark = Bookmark(existing.InstanceId, Id("hash"), resumeAt: Now());
        existing.Bookmarks.Add(newBookmark);
        var fresh = State(Id("wi"), existing.DefinitionId);

        // Act
        await Store.CommitBatchAsync([new WorkflowCommit(existing, 1, Journal(2, firstSequence: 3)), NewCommit(fresh, journalEntries: 3)]);

        // Assert
        Assert.Equal(2, existing.Revision);
        Assert.Equal(1, fresh.Revision);
        Assert.Equal(2, (await Store.GetInstanceAsync(existing.InstanceId))?.Revision);
        Assert.Null(await Store.GetBookmarkAsync(oldBookmark.Id));
        Assert.NotNull(await Store.GetBookmarkAsync(newBookmark.Id));
        Assert.Equal(4, (await Store.GetJournalAsync(existing.InstanceId)).Count);
        Assert.Equal(3, (await Store.GetJournalAsync(fresh.InstanceId)).Count);
    }

    [Fact]
    public async Task CommitBatchAsync_ManyExistingInstances_EachGetsItsOwnValues_AndConcurrentReadsGetTheirOwnState()
    {
        // Arrange: twelve suspended instances, then one batch moving each to a state of its own.
        var definitionId = Id("def");
        var states = Enumerable.Range(0, 12).Select(i => State(Id("wi"), definitionId, Now().AddMinutes(-i), WorkflowStatus.Suspended, correlationId: "c" + i)).ToList();
        await Store.CommitBatchAsync(states.ConvertAll(state => NewCommit(state, journalEntries: 1)));
        var finishedAt = Now();
        for (var i = 0; i < states.Count; i++)
        {
            states[i].Status = i % 2 == 0 ? WorkflowStatus.Finished : WorkflowStatus.Faulted;
            states[i].CorrelationId = i % 3 == 0 ? null : "moved-" + i;
            states[i].FinishedAt = finishedAt.AddSeconds(i);
            states[i].Variables["step"] = i;
        }

        // Act
        await Store.CommitBatchAsync(states.ConvertAll(state => new WorkflowCommit(state, 1, Journal(1, firstSequence: 2))));
        var read = await Task.WhenAll(states.Select(state => Task.Run(() => Store.GetInstanceAsync(state.InstanceId))));

        // Assert
        for (var i = 0; i < states.Count; i++)
        {
            var stored = Assert.IsType<WorkflowState>(read[i]);
            Assert.Equal(states[i].InstanceId, stored.InstanceId);
            Assert.Equal(2, stored.Revision);
            Assert.Equal(states[i].Status, stored.Status);
            Assert.Equal(states[i].CorrelationId, stored.CorrelationId);
            Assert.Equal(finishedAt.AddSeconds(i).ToUnixTimeMilliseconds(), stored.FinishedAt?.ToUnixTimeMilliseconds());
            Assert.Equal(i, Convert.ToInt32(stored.Variables["step"], System.Globalization.CultureInfo.InvariantCulture));
        }

        var page = await Store.ListInstancesAsync(new InstanceQuery { DefinitionId = definitionId });
        Assert.Equal(6, page.Items.Count(item => item.Status == WorkflowStatus.Finished));
        Assert.Null(await Store.GetInstanceAsync(Id("missing")));
    }

    [Fact]
    public async Task CommitBatchAsync_SameInstanceCreatedThenUpdated_AppliesInOrder()
    {
        // Arrange
        var state = State(Id("wi"), Id("def"), status: WorkflowStatus.Suspended);
        var created = new WorkflowCommit(state, 0, Journal(2));
        var resumed = new WorkflowCommit(state, 1, Journal(2, firstSequence: 3));

        // Act
        await Store.CommitBatchAsync([created, resumed]);

        // Assert
        Assert.Equal(2, (await Store.GetInstanceAsync(state.InstanceId))?.Revision);
        Assert.Equal(4, (await Store.GetJournalAsync(state.InstanceId)).Count);
    }

    // ---- Stimuli ----

    [Fact]
    public async Task TakeStimulusAsync_EightConcurrentTakers_ExactlyOneGetsIt()
    {
        // Arrange
        var hash = Id("hash");
        var stimulus = Stimulus(hash, input: new Dictionary<string, object?> { ["approved"] = true, ["items"] = new List<object?> { 1L, 2L } });
        await Store.EnqueueStimulusAsync(stimulus);
        var now = Now();

        // Act
        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => Store.TakeStimulusAsync(hash, null, now))));

        // Assert
        var taken = Assert.Single(results, r => r is not null);
        Assert.Equal(stimulus.Id, taken!.Id);
        Assert.Equal(stimulus.CreatedAt, taken.CreatedAt);
        Assert.Equal(stimulus.ExpiresAt, taken.ExpiresAt);
        Assert.Equal(Json(stimulus.Input), Json(taken.Input));
        Assert.Null(await Store.TakeStimulusAsync(hash, null, now));
    }

    [Fact]
    public async Task TakeStimulusAsync_CorrelationId_MatchesStimuliWithoutOrWithSameCorrelationOldestFirst()
    {
        // Arrange
        var hash = Id("hash");
        var start = Now();
        var forA = Stimulus(hash, "a", start.AddSeconds(1));
        var forAnyone = Stimulus(hash, null, start.AddSeconds(2));
        var forB = Stimulus(hash, "b", start.AddSeconds(3));
        foreach (var stimulus in new[] { forB, forA, forAnyone })
        {
            await Store.EnqueueStimulusAsync(stimulus);
        }

        // Act
        var first = await Store.TakeStimulusAsync(hash, "b", start.AddSeconds(10));
        var second = await Store.TakeStimulusAsync(hash, "b", start.AddSeconds(10));
        var third = await Store.TakeStimulusAsync(hash, "b", start.AddSeconds(10));
        var uncorrelated = await Store.TakeStimulusAsync(hash, null, start.AddSeconds(10));

        // Assert
        Assert.Equal(forAnyone.Id, first?.Id);
        Assert.Equal(forB.Id, second?.Id);
        Assert.Equal("b", second?.CorrelationId);
        Assert.Null(third);
        Assert.Equal(forA.Id, uncorrelated?.Id);
    }

    [Fact]
    public async Task FindStimulusHashesAsync_NamesOnlyHashesWithAnUnexpiredStimulus()
    {
        // Arrange
        var (waiting, expiring, none) = (Id("hash"), Id("hash"), Id("hash"));
        var start = Now();
        await Store.EnqueueStimulusAsync(Stimulus(waiting, createdAt: start, lifetime: TimeSpan.FromMinutes(5)));
        await Store.EnqueueStimulusAsync(Stimulus(expiring, createdAt: start, lifetime: TimeSpan.FromMinutes(1)));

        // Act
        var early = await Store.FindStimulusHashesAsync([waiting, expiring, none], start.AddSeconds(30));
        var late = await Store.FindStimulusHashesAsync([waiting, expiring, none], start.AddMinutes(2));

        // Assert
        Assert.Equal(new[] { waiting, expiring }.Order(StringComparer.Ordinal), early.Order(StringComparer.Ordinal));
        Assert.Equal([waiting], late);
        Assert.Empty(await Store.FindStimulusHashesAsync([], start));
    }

    [Fact]
    public async Task TakeStimulusAsync_ExpiredStimulus_PurgesItAndReturnsNull()
    {
        // Arrange
        var hash = Id("hash");
        var start = Now();
        var expired = Stimulus(hash, createdAt: start.AddMinutes(-10), lifetime: TimeSpan.FromMinutes(5));
        var fresh = Stimulus(Id("hash"), createdAt: start, lifetime: TimeSpan.FromMinutes(5));
        await Store.EnqueueStimulusAsync(expired);
        await Store.EnqueueStimulusAsync(fresh);

        // Act
        var taken = await Store.TakeStimulusAsync(hash, null, start);

        // Assert
        Assert.Null(taken);
        Assert.False(await Store.DeleteStimulusAsync(expired.Id));
        Assert.True(await Store.DeleteStimulusAsync(fresh.Id));
    }

    [Fact]
    public async Task DeleteStimulusAsync_EightConcurrentCallers_ExactlyOneRemovesIt()
    {
        // Arrange
        var stimulus = Stimulus(Id("hash"));
        await Store.EnqueueStimulusAsync(stimulus);

        // Act
        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => Store.DeleteStimulusAsync(stimulus.Id))));

        // Assert
        Assert.Single(results, removed => removed);
        Assert.Null(await Store.TakeStimulusAsync(stimulus.Hash, null, Now()));
    }

    private static async Task DisposeAsync(IWorkflowStore store)
    {
        if (store is IAsyncDisposable disposable)
        {
            await disposable.DisposeAsync();
        }
    }
}
