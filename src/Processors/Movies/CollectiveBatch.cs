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

    /// <summary>The movie partition that owns a movie: a plain modulo, so owners and senders agree without a hash.</summary>
    public static int PartitionOf(int movieId, int partitions) => (int)((uint)movieId % (uint)partitions);

    public byte[] Encode() => BinaryFields.Encode(w =>
    {
        w.Write(Version);
        w.Write7BitEncodedInt(SourcePartition);
        w.Write7BitEncodedInt(Updates.Count);
        foreach (var update in Updates)
        {
            var bytes = update.Encode();
            w.Write7BitEncodedInt(bytes.Length);
            w.Write(bytes);
        }
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
