using Insights.Capture.Protocol;

namespace Insights.Capture.Binlog;

/// <summary>
/// A v1 rows event (WRITE 23, UPDATE 24, DELETE 25): the table id and its row images, decoded with the
/// table map in force. Updates hold (before, after) pairs; writes only After; deletes only Before.
/// </summary>
public sealed record RowsEvent(byte Type, ulong TableId, IReadOnlyList<(object?[]? Before, object?[]? After)> Rows)
{
    public static ulong ReadTableId(ReadOnlySpan<byte> body) => new PacketReader(body).U48();

    public static RowsEvent Parse(byte type, ReadOnlySpan<byte> body, TableMapEvent map)
    {
        var r = new PacketReader(body);
        var tableId = r.U48();
        r.U16();
        var count = (int)r.LengthEncoded();
        var present = r.Bytes((count + 7) / 8).ToArray();
        var presentAfter = type == BinlogEventType.UpdateRowsV1 ? r.Bytes((count + 7) / 8).ToArray() : present;
        var rows = new List<(object?[]?, object?[]?)>();
        while (r.Remaining > 0)
        {
            var first = ReadRow(ref r, map, present, count);
            rows.Add(type switch
            {
                BinlogEventType.WriteRowsV1 => (null, first),
                BinlogEventType.DeleteRowsV1 => (first, null),
                _ => (first, ReadRow(ref r, map, presentAfter, count)),
            });
        }
        return new RowsEvent(type, tableId, rows);
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
            if (!IsSet(nulls, index++))
                values[i] = ColumnValueDecoder.Read(ref r, map.BinlogTypes[i], map.Metadata[i], map.Definition.Columns[i]);
        }
        return values;
    }

    private static bool IsSet(byte[] bitmap, int bit) => (bitmap[bit / 8] & (1 << (bit % 8))) != 0;
}
