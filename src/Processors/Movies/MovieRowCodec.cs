using Insights.Processors.Events;
using Insights.Propensity.Collective;

namespace Insights.Processors.Movies;

/// <summary>
/// The movie store's values besides the pair cells: a row's header (count, version, audience cells, timeline) and a
/// source partition's watermark (the newest attendance-change identity applied from it).
/// </summary>
public static class MovieRowCodec
{
    private const byte Version = 1;

    public sealed record Header(float Count, int Version, float[] AudienceCells, int[] TimelineDays, float[] TimelineTotals);

    public static byte[] EncodeHeader(MovieStatistics row) => BinaryFields.Encode(w =>
    {
        w.Write(Version);
        w.Write(row.Count);
        w.Write7BitEncodedInt(row.Version);
        var cells = row.AudienceCounts();
        w.Write7BitEncodedInt(cells.Length);
        foreach (var c in cells) w.Write(c);
        var days = row.Timeline.Days;
        var totals = row.Timeline.Totals;
        w.Write7BitEncodedInt(days.Length);
        for (var i = 0; i < days.Length; i++)
        {
            w.Write(days[i]);
            w.Write(totals[i]);
        }
    });

    public static Header DecodeHeader(byte[] bytes) => BinaryFields.Decode(bytes, "movie row header", r =>
    {
        var version = r.ReadByte();
        if (version != Version) throw new FormatException($"movie row header version {version} is not supported (this build reads {Version})");
        var count = r.ReadSingle();
        var movieVersion = r.Read7BitEncodedInt();
        var cells = new float[r.Read7BitEncodedInt()];
        for (var c = 0; c < cells.Length; c++) cells[c] = r.ReadSingle();
        var entries = r.Read7BitEncodedInt();
        if (entries < 0 || entries > bytes.Length) throw new FormatException($"movie row header claims {entries} timeline entries");
        var days = new int[entries];
        var totals = new float[entries];
        for (var i = 0; i < entries; i++)
        {
            days[i] = r.ReadInt32();
            totals[i] = r.ReadSingle();
        }
        return new Header(count, movieVersion, cells, days, totals);
    });

    public static byte[] EncodeWatermark(long eventOffset, int index) => BinaryFields.Encode(w =>
    {
        w.Write(eventOffset);
        w.Write(index);
    });

    public static (long EventOffset, int Index) DecodeWatermark(byte[] bytes) =>
        BinaryFields.Decode(bytes, "movie watermark", r => (r.ReadInt64(), r.ReadInt32()));
}
