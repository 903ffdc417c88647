using Insights.Processors.Events;
using Insights.Propensity.Collective;

namespace Insights.Processors.Movies;

/// <summary>
/// A movie profile as its owner published it, with the owner's wall-clock time of publishing: the members' score
/// versions take the newest of these times, so a version rises when only the profiles moved (see MemberRecord.UpdateVersion).
/// </summary>
public sealed record PublishedProfile(MovieProfile Profile, long PublishedAtMs);

/// <summary>
/// The binary form of a <see cref="PublishedProfile"/> on the movie profiles topic (compacted, keyed by movie id). The
/// publishing time is the last 8 bytes, so two records with the same profile differ only there (<see cref="SameProfile"/>).
/// </summary>
public static class MovieProfileCodec
{
    private const byte Version = 2;
    private const byte VersionWithoutTime = 1;

    public static byte[] Encode(MovieProfile profile, long publishedAtMs) => BinaryFields.Encode(w =>
    {
        w.Write(Version);
        w.Write7BitEncodedInt(profile.MovieId);
        w.Write(profile.Count);
        w.Write7BitEncodedInt(profile.Version);
        w.Write7BitEncodedInt(profile.AudienceCells.Length);
        foreach (var c in profile.AudienceCells) w.Write(c);
        w.Write7BitEncodedInt(profile.TimelineDays.Length);
        for (var i = 0; i < profile.TimelineDays.Length; i++)
        {
            w.Write(profile.TimelineDays[i]);
            w.Write(profile.TimelineTotals[i]);
        }
        WriteNeighbours(w, profile.CoNeighbours);
        WriteNeighbours(w, profile.FollowNeighbours);
        w.Write(publishedAtMs);
    });

    /// <summary>Whether two encoded records hold the same profile, whenever each was published.</summary>
    public static bool SameProfile(byte[] a, byte[] b) =>
        a.Length == b.Length && a.Length >= sizeof(long) && a.AsSpan(0, a.Length - sizeof(long)).SequenceEqual(b.AsSpan(0, b.Length - sizeof(long)));

    public static PublishedProfile Decode(byte[] bytes) => BinaryFields.Decode(bytes, "movie profile", r =>
    {
        var version = r.ReadByte();
        if (version is not (Version or VersionWithoutTime))
            throw new FormatException($"movie profile version {version} is not supported (this build reads {VersionWithoutTime} to {Version})");
        var movieId = r.Read7BitEncodedInt();
        if (movieId < 0) throw new FormatException($"movie profile for negative movie id {movieId}");
        var count = r.ReadSingle();
        var movieVersion = r.Read7BitEncodedInt();
        var cells = new float[Length(r, bytes, "audience cells")];
        for (var c = 0; c < cells.Length; c++) cells[c] = r.ReadSingle();
        var entries = Length(r, bytes, "timeline entries");
        var days = new int[entries];
        var totals = new float[entries];
        for (var i = 0; i < entries; i++)
        {
            days[i] = r.ReadInt32();
            totals[i] = r.ReadSingle();
        }
        var profile = new MovieProfile(movieId, count, movieVersion, cells, days, totals, ReadNeighbours(r, bytes), ReadNeighbours(r, bytes));
        return new PublishedProfile(profile, version >= Version ? r.ReadInt64() : 0);
    });

    private static void WriteNeighbours(BinaryWriter w, Neighbour[] neighbours)
    {
        w.Write7BitEncodedInt(neighbours.Length);
        foreach (var n in neighbours)
        {
            w.Write7BitEncodedInt(n.MovieId);
            w.Write(n.Weight);
        }
    }

    private static Neighbour[] ReadNeighbours(BinaryReader r, byte[] bytes)
    {
        var list = new Neighbour[Length(r, bytes, "neighbours")];
        for (var i = 0; i < list.Length; i++) list[i] = new Neighbour(r.Read7BitEncodedInt(), r.ReadSingle());
        return list;
    }

    private static int Length(BinaryReader r, byte[] bytes, string what)
    {
        var n = r.Read7BitEncodedInt();
        if (n < 0 || n > bytes.Length) throw new FormatException($"movie profile claims {n} {what}");
        return n;
    }
}
