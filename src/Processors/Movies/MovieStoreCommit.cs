using Insights.Processors.Events;

namespace Insights.Processors.Movies;

/// <summary>
/// Makes a movie task's per-commit writes (row headers, pair cells, watermarks: hundreds of keys) all-or-nothing after a
/// crash. The writes are preceded by a redo copy of them under the keys <c>r:0</c>, <c>r:1</c>... (one or more records of at
/// most <see cref="MaxChunkBytes"/>, numbered with the commit's sequence). All of a task's changelog records go to one
/// partition through one idempotent producer, so a process killed while they are being delivered leaves a prefix of them:
/// if the redo's last chunk arrived, every chunk did and the store is brought to the whole commit by replaying it; if it
/// did not, none of the keys after it arrived and the store is as before the commit, whose input offsets were not
/// committed either. Without it a torn commit left some cells newer than the watermark (a replayed batch counted twice)
/// or the watermark newer than some cells (a batch lost).
/// </summary>
public static class MovieStoreCommit
{
    public const string RedoPrefix = "r:";

    /// <summary>The most one redo record encodes to: well under the 1,000,000-byte message limit.</summary>
    public const int MaxChunkBytes = 512 * 1024;

    private const byte Version = 1;

    /// <summary>The records to write, in this order: the redo chunks of commit <paramref name="sequence"/>, then the changes (a null value deletes).</summary>
    public static List<KeyValuePair<string, byte[]?>> Writes(long sequence, IReadOnlyList<KeyValuePair<string, byte[]?>> changes)
    {
        var chunks = new List<List<KeyValuePair<string, byte[]?>>>();
        var chunk = new List<KeyValuePair<string, byte[]?>>();
        var size = 32;
        foreach (var change in changes)
        {
            var bound = 16 + 3 * change.Key.Length + (change.Value?.Length ?? 0);
            if (chunk.Count > 0 && size + bound > MaxChunkBytes)
            {
                chunks.Add(chunk);
                (chunk, size) = ([], 32);
            }
            chunk.Add(change);
            size += bound;
        }
        if (chunk.Count > 0) chunks.Add(chunk);
        var writes = new List<KeyValuePair<string, byte[]?>>(chunks.Count + changes.Count);
        for (var i = 0; i < chunks.Count; i++)
            writes.Add(KeyValuePair.Create(RedoKey(i), (byte[]?)EncodeChunk(sequence, i, chunks.Count, chunks[i])));
        writes.AddRange(changes);
        return writes;
    }

    /// <summary>
    /// The store as the last commit left it: <paramref name="entries"/> (every key; the redo's are left out) with the last
    /// commit's redo applied over them when all of its chunks are there (<paramref name="get"/> reads a key). Returns that
    /// commit's sequence too (0 when the store holds no redo), so the next commit numbers on from it.
    /// </summary>
    public static (IEnumerable<KeyValuePair<string, byte[]>> Entries, long Sequence) Recovered(
        IEnumerable<KeyValuePair<string, byte[]>> entries, Func<string, byte[]?> get)
    {
        if (get(RedoKey(0)) is not { } first) return (Merge(entries, []), 0);
        // Chunk 0 is the first record of a commit: it names the newest commit any record of which arrived.
        var head = DecodeChunk(first);
        var overlay = new Dictionary<string, byte[]?>(StringComparer.Ordinal);
        foreach (var (key, value) in head.Changes) overlay[key] = value;
        for (var i = 1; i < head.Count; i++)
        {
            if (get(RedoKey(i)) is not { } bytes || DecodeChunk(bytes) is not { } chunk || chunk.Sequence != head.Sequence)
                return (Merge(entries, []), head.Sequence); // torn: none of the commit's own keys arrived
            foreach (var (key, value) in chunk.Changes) overlay[key] = value;
        }
        return (Merge(entries, overlay), head.Sequence);
    }

    private static IEnumerable<KeyValuePair<string, byte[]>> Merge(IEnumerable<KeyValuePair<string, byte[]>> entries, Dictionary<string, byte[]?> overlay)
    {
        foreach (var entry in entries)
            if (!entry.Key.StartsWith(RedoPrefix, StringComparison.Ordinal) && !overlay.ContainsKey(entry.Key)) yield return entry;
        foreach (var (key, value) in overlay)
            if (value is not null) yield return KeyValuePair.Create(key, value);
    }

    private static string RedoKey(int index) => RedoPrefix + index.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static byte[] EncodeChunk(long sequence, int index, int count, List<KeyValuePair<string, byte[]?>> changes) => BinaryFields.Encode(w =>
    {
        w.Write(Version);
        w.Write7BitEncodedInt64(sequence);
        w.Write7BitEncodedInt(index);
        w.Write7BitEncodedInt(count);
        w.Write7BitEncodedInt(changes.Count);
        foreach (var (key, value) in changes)
        {
            w.Write(key);
            w.Write(value is not null);
            if (value is null) continue;
            w.Write7BitEncodedInt(value.Length);
            w.Write(value);
        }
    });

    private sealed record Chunk(long Sequence, int Index, int Count, List<KeyValuePair<string, byte[]?>> Changes);

    private static Chunk DecodeChunk(byte[] bytes) => BinaryFields.Decode(bytes, "movie store redo", r =>
    {
        var version = r.ReadByte();
        if (version != Version) throw new FormatException($"movie store redo version {version} is not supported (this build reads {Version})");
        var sequence = r.Read7BitEncodedInt64();
        var index = r.Read7BitEncodedInt();
        var count = r.Read7BitEncodedInt();
        var entries = r.Read7BitEncodedInt();
        if (entries < 0 || entries > bytes.Length) throw new FormatException($"movie store redo claims {entries} changes");
        var changes = new List<KeyValuePair<string, byte[]?>>(entries);
        for (var i = 0; i < entries; i++)
        {
            var key = r.ReadString();
            changes.Add(KeyValuePair.Create(key, r.ReadBoolean() ? r.ReadBytes(r.Read7BitEncodedInt()) : null));
        }
        return new Chunk(sequence, index, count, changes);
    });
}
