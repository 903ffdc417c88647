using Insights.Processors.Events;
using Insights.Propensity.Collective;
using Insights.Propensity.Members;

namespace Insights.Processors.Movies;

/// <summary>
/// The owned, serialisable form of the model's <see cref="CoAttendance"/> (a ref struct over the member's
/// arrays): what a member task publishes, keyed by movie, for every worker's collective state.
/// </summary>
public sealed record CoAttendanceUpdate(int MovieId, long AtSeconds, int Sign, byte AudienceCell, int[] Before, int[] After)
{
    private const byte Version = 1;

    public static CoAttendanceUpdate? From(MemberState member, AttendanceChange change)
    {
        var update = CoAttendance.From(member, change);
        return update.Sign == 0 ? null
            : new CoAttendanceUpdate(update.MovieId, update.AtSeconds, update.Sign, update.AudienceCell, update.Before.ToArray(), update.After.ToArray());
    }

    public CoAttendance AsModelUpdate() => new(MovieId, AtSeconds, Sign, AudienceCell, Before, After);

    public byte[] Encode() => BinaryFields.Encode(w =>
    {
        w.Write(Version);
        w.Write7BitEncodedInt(MovieId);
        w.Write7BitEncodedInt64(AtSeconds);
        w.Write((sbyte)Sign);
        w.Write(AudienceCell);
        WriteMovies(w, Before);
        WriteMovies(w, After);
    });

    public static CoAttendanceUpdate Decode(byte[] bytes) => BinaryFields.Decode(bytes, "co-attendance update", r =>
    {
        var version = r.ReadByte();
        if (version != Version) throw new FormatException($"co-attendance update version {version} is not supported (this build reads {Version})");
        var movie = r.Read7BitEncodedInt();
        var at = r.Read7BitEncodedInt64();
        var sign = (int)r.ReadSByte();
        if (sign is not (1 or -1)) throw new FormatException($"co-attendance update sign {sign} is not +1 or -1");
        var cell = r.ReadByte();
        return new CoAttendanceUpdate(movie, at, sign, cell, ReadMovies(r), ReadMovies(r));
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
        for (var i = 0; i < count; i++) movies[i] = r.Read7BitEncodedInt();
        return movies;
    }
}
