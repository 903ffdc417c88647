using System.Globalization;
using System.Text;
using Insights.Processors.Events;

namespace Insights.Processors.Movies;

/// <summary>
/// One session of the sessions topic (compacted, keyed by session id): its movie, its showtime and when the source last
/// changed it. The showtime and the change time decide when the session leaves the workers' memory (<see cref="SessionMovies"/>).
/// </summary>
public sealed record SessionEntry(int MovieId, long StartsAtMs, long ChangedAtMs)
{
    private const byte Version = 1;

    /// <summary>
    /// What this entry says the time is: its showtime, but never later than its change, so a showtime typed decades
    /// ahead cannot age every other session out, while a history loaded today keeps its own time.
    /// </summary>
    public long ClockMs => Math.Min(StartsAtMs, ChangedAtMs);

    public byte[] Encode() => BinaryFields.Encode(w =>
    {
        w.Write(Version);
        w.Write7BitEncodedInt(MovieId);
        w.Write7BitEncodedInt64(StartsAtMs);
        w.Write7BitEncodedInt64(ChangedAtMs);
    });

    public static SessionEntry Decode(byte[] bytes)
    {
        // A value that is the movie id in decimal text carries no showtime: such a session is held until it changes again.
        if (bytes.Length > 0 && bytes[0] is >= (byte)'0' and <= (byte)'9')
            return int.TryParse(Encoding.ASCII.GetString(bytes), NumberStyles.None, CultureInfo.InvariantCulture, out var movie)
                ? new SessionEntry(movie, long.MaxValue, long.MinValue)
                : throw new FormatException($"session entry '{Encoding.ASCII.GetString(bytes)}' is not a movie id");
        return BinaryFields.Decode(bytes, "session entry", r =>
        {
            var version = r.ReadByte();
            if (version != Version) throw new FormatException($"session entry version {version} is not supported (this build reads {Version})");
            return new SessionEntry(r.Read7BitEncodedInt(), r.Read7BitEncodedInt64(), r.Read7BitEncodedInt64());
        });
    }
}
