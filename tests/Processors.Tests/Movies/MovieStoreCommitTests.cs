using Insights.Processors.Movies;

namespace Insights.Processors.Tests.Movies;

/// <summary>
/// A movie task's commit writes hundreds of keys to one changelog partition; a process killed while they are delivered
/// leaves a prefix of them. Restored from any prefix, the store is exactly as before the commit or exactly as after it.
/// </summary>
public sealed class MovieStoreCommitTests
{
    private static byte[] Value(string text, int size = 16) => [.. System.Text.Encoding.UTF8.GetBytes(text), .. new byte[size]];

    private static void Apply(Dictionary<string, byte[]> store, IEnumerable<KeyValuePair<string, byte[]?>> writes)
    {
        foreach (var (key, value) in writes)
            if (value is null) store.Remove(key);
            else store[key] = value;
    }

    private static Dictionary<string, byte[]> Restored(Dictionary<string, byte[]> store, out long sequence)
    {
        var (entries, last) = MovieStoreCommit.Recovered(store, key => store.GetValueOrDefault(key));
        sequence = last;
        return entries.ToDictionary(e => e.Key, e => e.Value);
    }

    private static Dictionary<string, byte[]> WithoutRedo(Dictionary<string, byte[]> store) =>
        store.Where(e => !e.Key.StartsWith(MovieStoreCommit.RedoPrefix, StringComparison.Ordinal)).ToDictionary(e => e.Key, e => e.Value);

    [Fact]
    public void A_commit_cut_after_any_of_its_records_restores_as_all_of_it_or_none_of_it()
    {
        var store = new Dictionary<string, byte[]>();
        // An earlier commit with more redo chunks than the next one, so stale chunks of it stay behind.
        Apply(store, MovieStoreCommit.Writes(1, Enumerable.Range(0, 5)
            .Select(i => KeyValuePair.Create($"c:1:{i}", (byte[]?)Value($"old {i}", 200_000))).Append(KeyValuePair.Create("w:0", (byte[]?)Value("w1"))).ToList()));
        var before = WithoutRedo(store);
        // Large values: the commit's redo takes three chunks. One cell changes, one goes, one is new, the watermark moves.
        List<KeyValuePair<string, byte[]?>> changes =
        [
            KeyValuePair.Create("c:1:0", (byte[]?)Value("new 0", 300_000)),
            KeyValuePair.Create("c:1:1", (byte[]?)null),
            KeyValuePair.Create("c:1:9", (byte[]?)Value("new 9", 300_000)),
            KeyValuePair.Create("h:1", (byte[]?)Value("header", 300_000)),
            KeyValuePair.Create("w:0", (byte[]?)Value("w2")),
        ];
        var writes = MovieStoreCommit.Writes(2, changes);
        var chunks = writes.Count - changes.Count;
        var after = new Dictionary<string, byte[]>(before);
        Apply(after, changes);
        Assert.Equal(3, chunks);

        for (var delivered = 0; delivered <= writes.Count; delivered++)
        {
            var torn = new Dictionary<string, byte[]>(store);
            Apply(torn, writes.Take(delivered));

            var restored = Restored(torn, out var sequence);

            var expected = delivered >= chunks ? after : before;
            Assert.True(expected.Count == restored.Count && expected.All(e => restored.TryGetValue(e.Key, out var v) && v.SequenceEqual(e.Value)),
                $"after {delivered} of {writes.Count} records the store is neither all nor none of the commit: {string.Join(", ", restored.Keys.Order())}");
            Assert.Equal(delivered == 0 ? 1 : 2, sequence);
        }
    }

    [Fact]
    public void A_store_without_redo_is_read_as_it_is()
    {
        var store = new Dictionary<string, byte[]> { ["c:1:2"] = Value("x"), ["w:0"] = Value("w") };

        var restored = Restored(store, out var sequence);

        Assert.Equal(0, sequence);
        Assert.Equal(store.Keys.Order(), restored.Keys.Order());
    }
}
