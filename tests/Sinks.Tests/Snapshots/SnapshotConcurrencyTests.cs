using Insights.Fixtures.S3;
using Insights.Sinks.Snapshots;
using Insights.TestSupport;

namespace Insights.Sinks.Tests.Snapshots;

/// <summary>
/// Snapshots taken concurrently (the schedule and a `snapshot take`, or two sinks) and retention: a snapshot still
/// being written keeps its files whatever another writer's retention decides; a dead writer's files go once its
/// in-progress marker is older than the grace period. Against s3rver (MinIO with Docker) and the local folder store.
/// </summary>
public sealed class SnapshotConcurrencyTests(S3Server s3) : IClassFixture<S3Server>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private ISnapshotStore Store(string kind) => kind == "s3"
        ? new S3Endpoint { ServiceUrl = s3.ServiceUrl, Bucket = s3.Bucket, AccessKey = s3.AccessKey, SecretKey = s3.SecretKey }.CreateStore()
        : new LocalFolderStore(Directory.CreateTempSubdirectory("insights-snapshot-race-").FullName);

    private static SnapshotSettings Settings(int keep = 2) => new() { Prefix = $"race-{Guid.NewGuid():N}", Keep = keep, InProgressGraceSeconds = 600 };

    private static ScoreStateInMemory State(int members, long version)
    {
        var state = new ScoreStateInMemory(partitions: 4);
        for (var m = 1; m <= members; m++) state.Add(ScoreChange.Of(ScoreUpdates.For(m, version)));
        return state;
    }

    private static async Task AssertReadableAsync(SnapshotCatalog catalog, SnapshotManifest manifest, int members)
    {
        long read = 0;
        foreach (var file in manifest.Files) read += (await catalog.ReadAsync(file, Ct)).Count; // checks size and SHA-256
        Assert.Equal(members, read);
    }

    [Theory]
    [InlineData("s3")]
    [InlineData("local")]
    public async Task A_snapshot_being_written_keeps_its_files_through_a_concurrent_snapshots_retention(string kind)
    {
        var store = Store(kind);
        var settings = Settings(keep: 2);
        var clock = new SteppingClock();
        var slow = new GatedState(State(members: 40, version: 1));
        var layout = new SnapshotLayout(settings.Prefix);

        // The slow writer starts first (older id), writes its first data file and waits; a second writer starts,
        // finishes and runs retention, which must not take the first one's files for leftovers.
        var first = new SnapshotWriter(slow, store, settings, clock).TakeAsync(Ct);
        await slow.Reached.WaitAsync(TimeSpan.FromSeconds(30), Ct);
        var second = await new SnapshotWriter(State(members: 60, version: 3), store, settings, clock).TakeAsync(Ct);
        var firstFiles = (await store.ListAsync(layout.DataPrefix, Ct)).Where(k => !second.Files.Any(f => f.Key == k)).ToList();
        Assert.Single(firstFiles);

        slow.Release();
        var older = await first;

        var catalog = new SnapshotCatalog(store, settings.Prefix);
        Assert.Equal([older.Id, second.Id], (await catalog.ListAsync(Ct)).Select(m => m.Id));
        Assert.True(string.CompareOrdinal(older.Id, second.Id) < 0, "the slow snapshot has the older id");
        await AssertReadableAsync(catalog, older, 40);
        await AssertReadableAsync(catalog, second, 60);
        Assert.Empty(await store.ListAsync(layout.InProgressPrefix, Ct));
    }

    [Theory]
    [InlineData("s3")]
    [InlineData("local")]
    public async Task A_dead_writers_files_stay_through_the_grace_period_and_go_after_it(string kind)
    {
        var store = Store(kind);
        var settings = Settings(keep: 2);
        var clock = new SteppingClock();
        var layout = new SnapshotLayout(settings.Prefix);
        await Assert.ThrowsAsync<IOException>(() =>
            new SnapshotWriter(State(members: 40, version: 1), new DyingStore(store, dataPutsBeforeDeath: 2), settings, clock).TakeAsync(Ct));
        var leftovers = await store.ListAsync(layout.DataPrefix, Ct);
        Assert.Equal(2, leftovers.Count);
        Assert.Single(await store.ListAsync(layout.InProgressPrefix, Ct)); // it could not withdraw its marker

        // Within the grace period another snapshot's retention cannot tell a dead writer from a slow one.
        await new SnapshotWriter(State(members: 10, version: 2), store, settings, clock).TakeAsync(Ct);
        var within = await store.ListAsync(layout.DataPrefix, Ct);
        Assert.All(leftovers, key => Assert.Contains(key, within));

        clock.Advance(TimeSpan.FromSeconds(settings.InProgressGraceSeconds + 60));
        await new SnapshotWriter(State(members: 10, version: 3), store, settings, clock).TakeAsync(Ct);
        var data = await store.ListAsync(layout.DataPrefix, Ct);
        Assert.DoesNotContain(data, leftovers.Contains);
        Assert.Empty(await store.ListAsync(layout.InProgressPrefix, Ct));
    }

    [Fact]
    public async Task A_writer_silent_past_the_grace_period_gives_up_instead_of_writing_a_manifest_to_removed_files()
    {
        var store = Store("local");
        var settings = Settings(keep: 2);
        var clock = new SteppingClock();
        var slow = new GatedState(State(members: 40, version: 1));

        var stalled = new SnapshotWriter(slow, store, settings, clock).TakeAsync(Ct);
        await slow.Reached.WaitAsync(TimeSpan.FromSeconds(30), Ct);
        clock.Advance(TimeSpan.FromSeconds(settings.InProgressGraceSeconds + 60));
        var other = await new SnapshotWriter(State(members: 10, version: 2), store, settings, clock).TakeAsync(Ct);
        slow.Release();

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => stalled);
        Assert.Contains("in-progress marker", error.Message);
        Assert.Equal([other.Id], (await new SnapshotCatalog(store, settings.Prefix).ListAsync(Ct)).Select(m => m.Id));
    }
}
