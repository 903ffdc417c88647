using System.Globalization;
using Insights.Processors.Events;

namespace Insights.Processors.Movies;

/// <summary>
/// The keys and values of a movie task's store. A row's pair cells (co-attendance and follows with each other movie) are
/// kept in blocks of <see cref="CellsPerBlock"/> consecutive other-movie ids, one record per block (<c>cb:movie:block</c>,
/// <c>fb:movie:block</c>), so the store, and its compacted changelog, holds at most movies x blocks cell records however
/// many distinct pairs the history reached; a record per cell grew with every new pair (439,900 of 457,581 changelog
/// records were the newest of their cell after 221,000 tickets). Besides them: a row's header (<c>h:movie</c>) and a
/// source partition's watermark (<c>w:partition</c>). Stores written before the blocks hold a record per cell
/// (<c>c:movie:other</c>, <c>f:movie:other</c>): <see cref="Read"/> still reads them and names them, and the task
/// rewrites their blocks and deletes them with its next commit.
/// </summary>
public static class MovieStoreLayout
{
    public const int CellsPerBlock = 64;

    private const byte Version = 1;

    /// <summary>What a store holds, by kind.</summary>
    public sealed class Contents
    {
        public Dictionary<int, byte[]> Headers { get; } = [];
        public Dictionary<int, (long EventOffset, int Index)> Watermarks { get; } = [];
        public Dictionary<int, List<KeyValuePair<int, float>>> CoAttendance { get; } = [];
        public Dictionary<int, List<KeyValuePair<int, float>>> Follow { get; } = [];

        /// <summary>Cell records of the layout before blocks: to delete once their blocks are written.</summary>
        public List<(char Kind, int Movie, int Other, string Key)> LegacyCells { get; } = [];
    }

    public static string HeaderKey(int movie) => "h:" + Id(movie);
    public static string WatermarkKey(int partition) => "w:" + Id(partition);
    public static string BlockKey(char kind, int movie, int block) => $"{kind}b:{Id(movie)}:{Id(block)}";
    public static int BlockOf(int other) => other / CellsPerBlock;

    /// <summary>The block's cells as they are in <paramref name="cells"/> (a row's map by other movie); null when it has none, which deletes the record.</summary>
    public static byte[]? EncodeBlock(IReadOnlyDictionary<int, float> cells, int block)
    {
        var first = block * CellsPerBlock;
        var count = 0;
        for (var i = 0; i < CellsPerBlock; i++)
            if (cells.ContainsKey(first + i)) count++;
        if (count == 0) return null;
        return BinaryFields.Encode(w =>
        {
            w.Write(Version);
            w.Write((byte)count);
            for (var i = 0; i < CellsPerBlock; i++)
                if (cells.TryGetValue(first + i, out var value))
                {
                    w.Write((byte)i);
                    w.Write(value);
                }
        });
    }

    public static List<KeyValuePair<int, float>> DecodeBlock(int block, byte[] bytes) => BinaryFields.Decode(bytes, "movie cell block", r =>
    {
        var version = r.ReadByte();
        if (version != Version) throw new FormatException($"movie cell block version {version} is not supported (this build reads {Version})");
        var count = r.ReadByte();
        if (count > CellsPerBlock) throw new FormatException($"movie cell block claims {count} cells, more than {CellsPerBlock}");
        var cells = new List<KeyValuePair<int, float>>(count);
        for (var i = 0; i < count; i++)
        {
            var offset = r.ReadByte();
            if (offset >= CellsPerBlock) throw new FormatException($"movie cell block has a cell at {offset}, beyond {CellsPerBlock}");
            cells.Add(KeyValuePair.Create(block * CellsPerBlock + offset, r.ReadSingle()));
        }
        return cells;
    });

    /// <summary>Sorts a store's entries (the redo already applied) by kind.</summary>
    public static Contents Read(IEnumerable<KeyValuePair<string, byte[]>> entries)
    {
        var contents = new Contents();
        foreach (var entry in entries)
        {
            var parts = entry.Key.Split(':');
            switch (parts[0])
            {
                case "h": contents.Headers[Parse(parts[1])] = entry.Value; break;
                case "w": contents.Watermarks[Parse(parts[1])] = MovieRowCodec.DecodeWatermark(entry.Value); break;
                case "cb" or "fb":
                    Cells(contents, parts[0][0], Parse(parts[1])).AddRange(DecodeBlock(Parse(parts[2]), entry.Value));
                    break;
                case "c" or "f":
                    var (movie, other) = (Parse(parts[1]), Parse(parts[2]));
                    Cells(contents, parts[0][0], movie).Add(KeyValuePair.Create(other, BitConverter.ToSingle(entry.Value)));
                    contents.LegacyCells.Add((parts[0][0], movie, other, entry.Key));
                    break;
            }
        }
        return contents;
    }

    private static List<KeyValuePair<int, float>> Cells(Contents contents, char kind, int movie)
    {
        var byMovie = kind == 'c' ? contents.CoAttendance : contents.Follow;
        return byMovie.TryGetValue(movie, out var list) ? list : byMovie[movie] = [];
    }

    private static string Id(int id) => id.ToString(CultureInfo.InvariantCulture);
    private static int Parse(string id) => int.Parse(id, CultureInfo.InvariantCulture);
}
