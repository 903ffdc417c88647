using Insights.Processors.Events;
using Insights.Processors.Parsing;
using Insights.Propensity.Collective;
using Insights.Propensity.Members;

namespace Insights.Processors.Movies;

/// <summary>
/// The owned, serialisable form of the model's <see cref="CoAttendance"/> (a ref struct over the member's
/// arrays): what a member task publishes, keyed by member, for every worker's collective state. Its identity is
/// (MemberId, EventOffset, Index): the offset of the member event that caused it on the member repartition
/// topic and its position among that event's updates. A replayed event (a worker killed before its commit)
/// publishes the same identities again, so collective states drop them (<see cref="SharedMovieState"/>).
/// </summary>
public sealed record CoAttendanceUpdate(int MovieId, long AtSeconds, int Sign, byte AudienceCell, int[] Before, int[] After)
{
    private const byte Version = 2;
    private const byte VersionWithoutIdentity = 1;

    public int MemberId { get; init; }

    /// <summary>Offset of the causing member event on the repartition topic; -1 when unknown (no duplicate check).</summary>
    public long EventOffset { get; init; } = -1;

    public int Index { get; init; }

    public static CoAttendanceUpdate? From(MemberState member, AttendanceChange change, long eventOffset = -1, int index = 0)
    {
        var update = CoAttendance.From(member, change);
        return update.Sign == 0 ? null
            : new CoAttendanceUpdate(update.MovieId, update.AtSeconds, update.Sign, update.AudienceCell, update.Before.ToArray(), update.After.ToArray())
            {
                MemberId = member.MemberId, EventOffset = eventOffset, Index = index,
            };
    }

    /// <summary>An upper bound of the bytes <see cref="Encode"/> writes, with its length prefix in a batch: every integer at its widest.</summary>
    public int MaxEncodedBytes => 64 + 5 * (Before.Length + After.Length);

    public CoAttendance AsModelUpdate() => new(MovieId, AtSeconds, Sign, AudienceCell, Before, After);

    public byte[] Encode() => BinaryFields.Encode(this, Write);

    /// <summary>Writes the update as a nested record (its length, then what <see cref="Encode"/> returns) into a batch or an outbox.</summary>
    public void WriteNested(BinaryWriter writer) => writer.WriteNested(this, Write);

    private static void Write(BinaryWriter w, CoAttendanceUpdate u)
    {
        w.Write(Version);
        w.Write7BitEncodedInt(u.MemberId);
        w.Write7BitEncodedInt64(u.EventOffset + 1);
        w.Write7BitEncodedInt(u.Index);
        w.Write7BitEncodedInt(u.MovieId);
        w.Write7BitEncodedInt64(u.AtSeconds);
        w.Write((sbyte)u.Sign);
        w.Write(u.AudienceCell);
        WriteMovies(w, u.Before);
        WriteMovies(w, u.After);
    }

    public static CoAttendanceUpdate Decode(byte[] bytes) => BinaryFields.Decode(bytes, "co-attendance update", r =>
    {
        var version = r.ReadByte();
        if (version is not (Version or VersionWithoutIdentity))
            throw new FormatException($"co-attendance update version {version} is not supported (this build reads {VersionWithoutIdentity} and {Version})");
        var (member, offset, index) = version == Version ? (r.Read7BitEncodedInt(), r.Read7BitEncodedInt64() - 1, r.Read7BitEncodedInt()) : (0, -1L, 0);
        var movie = Movie(r.Read7BitEncodedInt());
        var at = r.Read7BitEncodedInt64();
        var sign = (int)r.ReadSByte();
        if (sign is not (1 or -1)) throw new FormatException($"co-attendance update sign {sign} is not +1 or -1");
        var cell = r.ReadByte();
        return new CoAttendanceUpdate(movie, at, sign, cell, ReadMovies(r), ReadMovies(r)) { MemberId = member, EventOffset = offset, Index = index };
    });

    private static void WriteMovies(BinaryWriter w, int[] movies)
    {
        w.Write7BitEncodedInt(movies.Length);
        foreach (var m in movies) w.Write7BitEncodedInt(m);
    }

    private static int[] ReadMovies(BinaryReader r)
    {
        var count = r.Read7BitEncodedInt();
        if (count < 0 || count > r.BaseStream.Length) throw new FormatException($"co-attendance update claims {count} movies");
        var movies = new int[count];
        for (var i = 0; i < count; i++) movies[i] = Movie(r.Read7BitEncodedInt());
        return movies;
    }

    // Ids index arrays in every worker's collective state: one out of range would grow them to its size.
    private static int Movie(int id) =>
        id is >= 1 and <= ChangeParsing.MaxMovieId ? id : throw new FormatException($"co-attendance update names movie {id}, out of range 1..{ChangeParsing.MaxMovieId}");
}
