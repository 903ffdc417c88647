using Insights.Sinks.Snapshots;
using Insights.TestSupport;

namespace Insights.Sinks.Tests.Snapshots;

public sealed class LocalFolderStoreTests : IDisposable
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private readonly string root = Directory.CreateTempSubdirectory("insights-snapshots-").FullName;

    [Fact]
    public async Task Objects_put_read_back_byte_for_byte_and_list_by_prefix_in_order()
    {
        var store = new LocalFolderStore(root);
        await store.PutAsync("s/data/2/b", new byte[] { 1, 2, 3 }, Ct);
        await store.PutAsync("s/data/1/a", new byte[] { 9 }, Ct);
        await store.PutAsync("s/manifests/1.json", "{}"u8.ToArray(), Ct);

        Assert.Equal(new byte[] { 1, 2, 3 }, await store.GetAsync("s/data/2/b", Ct));
        Assert.Equal(["s/data/1/a", "s/data/2/b"], await store.ListAsync("s/data/", Ct));
        Assert.Null(await store.GetAsync("s/data/3/c", Ct));
        await store.DeleteAsync("s/data/1/a", Ct);
        Assert.Equal(["s/data/2/b"], await store.ListAsync("s/data/", Ct));
    }

    [Fact]
    public async Task A_snapshot_to_a_local_folder_reads_back_like_one_in_s3()
    {
        var store = new LocalFolderStore(root);
        var state = new ScoreStateInMemory(partitions: 2);
        for (var m = 1; m <= 30; m++) state.Add(ScoreChange.Of(ScoreUpdates.For(m, 1)));
        var settings = new SnapshotSettings { Prefix = "snapshots" };

        var manifest = await new SnapshotWriter(state, store, settings, new SteppingClock()).TakeAsync(Ct);

        var catalog = new SnapshotCatalog(store, "snapshots");
        Assert.Equal(manifest.Id, (await catalog.GetAsync(null, Ct)).Id);
        Assert.Equal(30, (await Task.WhenAll(manifest.Files.Select(f => catalog.ReadAsync(f, Ct)))).Sum(f => f.Count));
    }

    [Fact]
    public async Task A_key_that_escapes_the_folder_is_refused()
    {
        var store = new LocalFolderStore(root);
        var error = await Assert.ThrowsAsync<ArgumentException>(() => store.PutAsync("../outside", new byte[] { 1 }, Ct));
        Assert.Contains("outside", error.Message);
    }

    public void Dispose() => Directory.Delete(root, recursive: true);
}
