using Insights.Processors.Events;
using Insights.Propensity.Catalog;

namespace Insights.Processors.Movies;

/// <summary>One movie of the catalog topic (compacted, keyed by movie id) and when the source last changed it.</summary>
public sealed record CatalogEntry(Movie Movie, long UpdatedAtMs)
{
    private const byte Version = 1;

    public byte[] Encode() => BinaryFields.Encode(w =>
    {
        w.Write(Version);
        w.Write7BitEncodedInt(Movie.Id);
        w.Write(Movie.Genres);
        w.Write(Movie.ReleaseDay.HasValue);
        if (Movie.ReleaseDay is { } day) w.Write(day);
        w.Write((byte)Movie.Status);
        w.Write7BitEncodedInt64(UpdatedAtMs);
    });

    public static CatalogEntry Decode(byte[] bytes) => BinaryFields.Decode(bytes, "catalog entry", r =>
    {
        var version = r.ReadByte();
        if (version != Version) throw new FormatException($"catalog entry version {version} is not supported (this build reads {Version})");
        var id = r.Read7BitEncodedInt();
        var genres = r.ReadUInt32();
        int? release = r.ReadBoolean() ? r.ReadInt32() : null;
        var status = (MovieStatus)r.ReadByte();
        return new CatalogEntry(new Movie(id, genres, release, status), r.Read7BitEncodedInt64());
    });
}
