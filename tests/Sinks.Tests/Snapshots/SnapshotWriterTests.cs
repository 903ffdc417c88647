using Insights.Fixtures.S3;
using Insights.Sinks.Kafka;
using Insights.Sinks.Snapshots;
using Insights.TestSupport;

namespace Insights.Sinks.Tests.Snapshots;

/// <summary>Snapshots against an S3 API server (s3rver here, MinIO where Docker runs).</summary>
public sealed class SnapshotWriterTests(S3Server s3) : IClassFixture<S3Server>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private ISnapshotStore Store() => new S3Endpoint
    {
        ServiceUrl = s3.ServiceUrl, Bucket = s3.Bucket, AccessKey = s3.AccessKey, SecretKey = s3.SecretKey,
    }.CreateStore();

    private static SnapshotSettings Settings(int keep = 5) => new() { Prefix = $"t-{Guid.NewGuid():N}", Keep = keep };

    private static ScoreStateInMemory State(int members, long version = 1)
    {
        var state = new ScoreStateInMemory(partitions: 4);
        for (var m = 1; m <= members; m++)
        {
            state.Add(ScoreChange.Of(ScoreUpdates.For(m, version, movies: 5, ageBand: "25-34", gender: m % 2 == 0 ? "F" : "M")));
            state.Add(ScoreChange.Of(ScoreUpdates.For(m, version + 1, movies: 5, ageBand: "25-34", gender: m % 2 == 0 ? "F" : "M")));
        }
        state.Add(ScoreChange.Delete(3));
        return state;
    }

    [Fact]
    public async Task A_snapshot_reads_back_byte_for_byte_with_the_manifest_listing_checksums_sizes_and_offsets()
    {
        var store = Store();
        var settings = Settings();
        var state = State(members: 200);

        var manifest = await new SnapshotWriter(state, store, settings, new SteppingClock()).TakeAsync(Ct);

        Assert.Equal(4, manifest.Files.Count);
        Assert.Equal(199, manifest.Members);
        foreach (var file in manifest.Files)
        {
            var expected = (await state.ReadAsync(file.Partition, Ct)).Members;
            var bytes = await store.GetAsync(file.Key, Ct);
            Assert.Equal(SnapshotFormat.Encode(expected), bytes);
            Assert.Equal(file.Bytes, bytes!.Length);
            Assert.Equal(SnapshotFormat.Sha256Hex(bytes), file.Sha256);
            Assert.Equal((0L, (long)(await state.ReadAsync(file.Partition, Ct)).EndOffset), (file.StartOffset, file.EndOffset));
            // Records holding lists compare by reference, so compare their wire form.
            Assert.Equal(expected.Select(ScoreRecords.Value), (await new SnapshotCatalog(store, settings.Prefix).ReadAsync(file, Ct)).Select(ScoreRecords.Value));
        }
        Assert.DoesNotContain(manifest.Files, f => SnapshotFormat.Decode(store.GetAsync(f.Key, Ct).Result!, f.Key).Any(u => u.MemberId == 3));
        Assert.Equal(manifest, await new SnapshotCatalog(store, settings.Prefix).GetAsync(null, Ct), new ManifestComparer());
    }

    [Fact]
    public async Task A_snapshot_stopped_between_its_data_files_and_its_manifest_leaves_the_previous_one_current_and_its_files_unreferenced()
    {
        var store = Store();
        var settings = Settings();
        var clock = new SteppingClock();
        var previous = await new SnapshotWriter(State(members: 50), store, settings, clock).TakeAsync(Ct);

        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var interrupted = new InterruptedStore(store, dataPutsBeforeCancel: 4, cancel);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            new SnapshotWriter(State(members: 80, version: 7), interrupted, settings, clock).TakeAsync(cancel.Token));

        var catalog = new SnapshotCatalog(store, settings.Prefix);
        var listed = await catalog.ListAsync(Ct);
        Assert.Equal([previous.Id], listed.Select(m => m.Id));
        var current = await catalog.GetAsync(null, Ct);
        Assert.Equal(50, (await Task.WhenAll(current.Files.Select(f => catalog.ReadAsync(f, Ct)))).Sum(f => f.Count) + 1);
        var referenced = current.Files.Select(f => f.Key).ToHashSet();
        var orphans = (await store.ListAsync($"{settings.Prefix}/data/", Ct)).Where(k => !referenced.Contains(k)).ToList();
        Assert.Equal(4, orphans.Count); // the half-written snapshot's files exist, and nothing points at them

        // The next complete snapshot's retention removes them.
        await new SnapshotWriter(State(members: 80, version: 9), store, settings, clock).TakeAsync(Ct);
        Assert.DoesNotContain(await store.ListAsync($"{settings.Prefix}/data/", Ct), orphans.Contains);
    }

    [Fact]
    public async Task Retention_keeps_only_the_newest_snapshots_and_their_files()
    {
        var store = Store();
        var settings = Settings(keep: 2);
        var clock = new SteppingClock();
        var taken = new List<SnapshotManifest>();
        for (var i = 0; i < 4; i++) taken.Add(await new SnapshotWriter(State(members: 10, version: i * 2 + 1), store, settings, clock).TakeAsync(Ct));

        var listed = await new SnapshotCatalog(store, settings.Prefix).ListAsync(Ct);

        Assert.Equal(taken.TakeLast(2).Select(m => m.Id), listed.Select(m => m.Id));
        var dataKeys = await store.ListAsync($"{settings.Prefix}/data/", Ct);
        Assert.Equal(taken.TakeLast(2).SelectMany(m => m.Files.Select(f => f.Key)).Order(StringComparer.Ordinal), dataKeys);
    }

    [Fact]
    public async Task A_data_file_that_differs_from_its_manifest_is_refused_naming_the_file()
    {
        var store = Store();
        var settings = Settings();
        var manifest = await new SnapshotWriter(State(members: 20), store, settings, new SteppingClock()).TakeAsync(Ct);
        var file = manifest.Files[1];
        var bytes = (await store.GetAsync(file.Key, Ct))!;
        bytes[^5] ^= 0xFF;
        await store.PutAsync(file.Key, bytes, Ct);

        var error = await Assert.ThrowsAsync<InvalidDataException>(() => new SnapshotCatalog(store, settings.Prefix).ReadAsync(file, Ct));

        Assert.Contains(file.Key, error.Message);
        Assert.Contains("SHA-256", error.Message);
    }

    /// <summary>Manifests hold lists, which records compare by reference.</summary>
    private sealed class ManifestComparer : IEqualityComparer<SnapshotManifest>
    {
        public bool Equals(SnapshotManifest? x, SnapshotManifest? y) =>
            x is not null && y is not null && x.Id == y.Id && x.Topic == y.Topic && x.CreatedAtMs == y.CreatedAtMs && x.Files.SequenceEqual(y.Files);
        public int GetHashCode(SnapshotManifest obj) => obj.Id.GetHashCode();
    }
}
