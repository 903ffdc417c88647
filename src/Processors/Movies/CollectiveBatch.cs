using Insights.Processors.Events;

namespace Insights.Processors.Movies;

/// <summary>
/// What one member task sends one movie partition at a flush: the attendance changes that touch a movie of that
/// partition, in identity order (repartition offset of the causing member event, then index). The movie owner keeps,
/// per source partition, the newest identity it applied and skips anything not newer, so a batch resent after a
/// crash (an outbox restored before its clearing was committed) counts once.
/// </summary>
public sealed record CollectiveBatch(int SourcePartition, IReadOnlyList<CoAttendanceUpdate> Updates)
{
    private const byte Version = 1;

    /// <summary>
    /// The most a batch record encodes to: well under the 1,000,000-byte message limit of librdkafka and Kafka's
    /// defaults. A deleted member's retractions can carry a few megabytes to one partition; they go as several batches.
    /// </summary>
    public const int MaxBytes = 512 * 1024;

    /// <summary>
    /// The updates for one movie partition as batches of at most <see cref="MaxBytes"/> each, in the given (identity) order:
    /// sent in sequence to the same partition, the owner applies them in that order.
    /// </summary>
    public static IEnumerable<CollectiveBatch> Split(int sourcePartition, IReadOnlyList<CoAttendanceUpdate> updates)
    {
        var batch = new List<CoAttendanceUpdate>();
        var size = 16;
        foreach (var update in updates)
        {
            var bound = update.MaxEncodedBytes;
            if (batch.Count > 0 && size + bound > MaxBytes)
            {
                yield return new CollectiveBatch(sourcePartition, batch);
                (batch, size) = ([], 16);
            }
            batch.Add(update);
            size += bound;
        }
        if (batch.Count > 0) yield return new CollectiveBatch(sourcePartition, batch);
    }

    /// <summary>The movie partition that owns a movie: a plain modulo, so owners and senders agree without a hash.</summary>
    public static int PartitionOf(int movieId, int partitions) => (int)((uint)movieId % (uint)partitions);

    public byte[] Encode() => BinaryFields.Encode(this, static (w, batch) =>
    {
        w.Write(Version);
        w.Write7BitEncodedInt(batch.SourcePartition);
        w.Write7BitEncodedInt(batch.Updates.Count);
        foreach (var update in batch.Updates) update.WriteNested(w);
    });

    public static CollectiveBatch Decode(byte[] bytes) => BinaryFields.Decode(bytes, "collective batch", r =>
    {
        var version = r.ReadByte();
        if (version != Version) throw new FormatException($"collective batch version {version} is not supported (this build reads {Version})");
        var source = r.Read7BitEncodedInt();
        var count = r.Read7BitEncodedInt();
        if (count < 0 || count > bytes.Length) throw new FormatException($"collective batch claims {count} updates");
        var updates = new List<CoAttendanceUpdate>(count);
        for (var i = 0; i < count; i++) updates.Add(CoAttendanceUpdate.Decode(r.ReadBytes(r.Read7BitEncodedInt())));
        return new CollectiveBatch(source, updates);
    });
}
