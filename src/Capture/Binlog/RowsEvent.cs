using System.IO.Compression;
using Insights.Capture.Protocol;
using static Insights.Capture.Binlog.BinlogEventType;

namespace Insights.Capture.Binlog;

/// <summary>
/// A rows event (WRITE/UPDATE/DELETE, v1 or v2, plain or compressed): the table id and its row images, decoded with
/// the table map in force. Updates hold (before, after) pairs; writes only After; deletes only Before.
/// </summary>
public sealed record RowsEvent(RowChange Kind, ulong TableId, IReadOnlyList<(object?[]? Before, object?[]? After)> Rows)
{
    public static ulong ReadTableId(ReadOnlySpan<byte> body) => new PacketReader(body).U48();

    public static RowsEvent Parse(byte type, ReadOnlySpan<byte> body, TableMapEvent map)
    {
        var kind = RowsKind(type) ?? throw new ArgumentException($"event type {type} is not a rows event", nameof(type));
        if (IsCompressedRows(type)) body = Decompress(type, body);
        var r = new PacketReader(body);
        var tableId = r.U48();
        r.U16();
        if (HasExtraRowsHeader(type)) r.Skip(r.U16() - 2);
        var count = (int)r.LengthEncoded();
        var present = r.Bytes((count + 7) / 8).ToArray();
        var presentAfter = kind == RowChange.Update ? r.Bytes((count + 7) / 8).ToArray() : present;
        var rows = new List<(object?[]?, object?[]?)>();
        while (r.Remaining > 0)
        {
            var first = ReadRow(ref r, map, present, count);
            rows.Add(kind switch
            {
                RowChange.Write => (null, first),
                RowChange.Delete => (first, null),
                _ => (first, ReadRow(ref r, map, presentAfter, count)),
            });
        }
        return new RowsEvent(kind, tableId, rows);
    }

    /// <summary>
    /// MariaDB's compressed rows event (log_bin_compress=ON): the header up to the column bitmaps as in a plain event,
    /// then the row images as one compressed record: a flag byte (top bit set, bits 4-6 the algorithm, 0 = zlib, low 3
    /// bits the size of the length field), the uncompressed length big-endian in that many bytes, then the zlib stream.
    /// Returns the body of the equivalent plain event.
    /// </summary>
    public static byte[] Decompress(byte type, ReadOnlySpan<byte> body)
    {
        var r = new PacketReader(body);
        r.Skip(8);
        if (HasExtraRowsHeader(type)) r.Skip(r.U16() - 2);
        var count = (int)r.LengthEncoded();
        r.Skip((count + 7) / 8 * (RowsKind(type) == RowChange.Update ? 2 : 1));
        var header = r.Offset;
        return Inflate(body[..header], body[header..], $"rows event type {type}");
    }

    /// <summary>Inflates a MariaDB compressed record and returns <paramref name="prefix"/> followed by the plain bytes.</summary>
    public static byte[] Inflate(ReadOnlySpan<byte> prefix, ReadOnlySpan<byte> record, string what)
    {
        if (record.Length < 2 || (record[0] & 0x80) == 0)
            throw new InvalidDataException($"{what} is marked compressed but does not start with a compressed record");
        var algorithm = (record[0] >> 4) & 7;
        if (algorithm != 0) throw new InvalidDataException($"{what} is compressed with algorithm {algorithm}; only zlib (0) is known");
        var lengthBytes = record[0] & 7;
        if (lengthBytes is < 1 or > 4 || record.Length < 1 + lengthBytes)
            throw new InvalidDataException($"{what} has a compressed record with a {lengthBytes}-byte length");
        long length = 0;
        for (var i = 1; i <= lengthBytes; i++) length = length << 8 | record[i];
        var output = new byte[prefix.Length + length];
        prefix.CopyTo(output);
        using var zlib = new ZLibStream(new MemoryStream(record[(1 + lengthBytes)..].ToArray(), writable: false), CompressionMode.Decompress);
        zlib.ReadExactly(output.AsSpan(prefix.Length));
        return output;
    }

    private static object?[] ReadRow(ref PacketReader r, TableMapEvent map, byte[] present, int count)
    {
        var presentCount = 0;
        for (var i = 0; i < count; i++) if (IsSet(present, i)) presentCount++;
        var nulls = r.Bytes((presentCount + 7) / 8).ToArray();
        var values = new object?[count];
        var index = 0;
        for (var i = 0; i < count; i++)
        {
            if (!IsSet(present, i)) continue;
            if (IsSet(nulls, index++)) continue;
            try { values[i] = ColumnValueDecoder.Read(ref r, map.BinlogTypes[i], map.Metadata[i], map.Definition.Columns[i]); }
            catch (Exception e) when (e is OverflowException or ArgumentException or FormatException)
            {
                throw new CaptureException($"{map.Database}.{map.Table}.{map.Definition.Columns[i].Name}: cannot decode its binlog value: {e.Message}", e);
            }
        }
        return values;
    }

    private static bool IsSet(byte[] bitmap, int bit) => (bitmap[bit / 8] & (1 << (bit % 8))) != 0;
}
