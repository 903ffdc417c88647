using System.Text;
using Insights.Capture.Protocol;
using Insights.Capture.Schema;

namespace Insights.Capture.Binlog;

/// <summary>
/// TABLE_MAP: binds a table id to a table's column types for the row events that follow. With
/// binlog_row_metadata=FULL it also names the columns, their signedness, ENUM/SET values and the primary
/// key, so each row event is decoded with the schema of its own moment.
/// </summary>
public sealed record TableMapEvent(ulong TableId, string Database, string Table, byte[] BinlogTypes, ushort[] Metadata, TableDefinition Definition)
{
    private const byte TypeTiny = 1, TypeShort = 2, TypeLong = 3, TypeFloat = 4, TypeDouble = 5, TypeTimestamp = 7,
        TypeLongLong = 8, TypeInt24 = 9, TypeDate = 10, TypeTime = 11, TypeDateTime = 12, TypeYear = 13, TypeVarChar = 15,
        TypeTimestamp2 = 17, TypeDateTime2 = 18, TypeTime2 = 19, TypeNewDecimal = 246, TypeEnum = 247, TypeSet = 248,
        TypeBlob = 252, TypeVarString = 253, TypeString = 254;

    public static TableMapEvent Parse(ReadOnlySpan<byte> body)
    {
        var r = new PacketReader(body);
        var tableId = r.U48();
        r.U16();
        var database = Encoding.UTF8.GetString(r.Bytes(r.U8())); r.Skip(1);
        var table = Encoding.UTF8.GetString(r.Bytes(r.U8())); r.Skip(1);
        var count = (int)r.LengthEncoded();
        var types = r.Bytes(count).ToArray();
        var metadataLength = (int)r.LengthEncoded();
        var metaReader = new PacketReader(r.Bytes(metadataLength));
        var metadata = new ushort[count];
        for (var i = 0; i < count; i++)
        {
            metadata[i] = types[i] switch
            {
                TypeFloat or TypeDouble or TypeBlob or TypeTimestamp2 or TypeDateTime2 or TypeTime2 or 245 or 255 => metaReader.U8(),
                TypeVarChar or TypeVarString or 16 => metaReader.U16(),
                TypeNewDecimal or TypeString or TypeEnum or TypeSet => (ushort)(metaReader.U8() << 8 | metaReader.U8()),
                _ => 0,
            };
        }
        r.Skip((count + 7) / 8); // nullability bitmap

        string[]? names = null;
        bool[]? unsigned = null;
        var enumValues = new Queue<string[]>();
        var setValues = new Queue<string[]>();
        var keys = new HashSet<int>();
        while (r.Remaining > 0)
        {
            var fieldType = r.U8();
            var length = (int)r.LengthEncoded();
            var field = new PacketReader(r.Bytes(length));
            switch (fieldType)
            {
                case 1: unsigned = Signedness(ref field, types, metadata); break;
                case 4:
                    names = new string[count];
                    for (var i = 0; i < count; i++) names[i] = field.LengthEncodedString();
                    break;
                case 5: ReadStringLists(ref field, setValues); break;
                case 6: ReadStringLists(ref field, enumValues); break;
                case 8: while (field.Remaining > 0) keys.Add((int)field.LengthEncoded()); break;
                case 9: while (field.Remaining > 0) { keys.Add((int)field.LengthEncoded()); field.LengthEncoded(); } break;
            }
        }
        if (names is null)
            throw new CaptureException($"table map of {database}.{table} has no column names: set binlog_row_metadata=FULL on the server");

        var columns = new ColumnDefinition[count];
        for (var i = 0; i < count; i++)
        {
            var (type, precision, scale) = Describe(types[i], metadata[i], names[i], database, table);
            IReadOnlyList<string>? members = type switch
            {
                ColumnType.Enum => enumValues.Count > 0 ? enumValues.Dequeue() : throw new CaptureException($"{database}.{table}.{names[i]}: ENUM values missing from the table map"),
                ColumnType.Set => setValues.Count > 0 ? setValues.Dequeue() : throw new CaptureException($"{database}.{table}.{names[i]}: SET values missing from the table map"),
                _ => null,
            };
            columns[i] = new ColumnDefinition(names[i], type, precision, scale, unsigned?[i] ?? false, members, keys.Contains(i));
        }
        return new TableMapEvent(tableId, database, table, types, metadata, new TableDefinition(database, table, columns));
    }

    private static (ColumnType Type, int Precision, int Scale) Describe(byte type, ushort meta, string name, string db, string table) => type switch
    {
        TypeTiny => (ColumnType.TinyInt, 0, 0),
        TypeShort => (ColumnType.SmallInt, 0, 0),
        TypeInt24 => (ColumnType.MediumInt, 0, 0),
        TypeLong => (ColumnType.Int, 0, 0),
        TypeLongLong => (ColumnType.BigInt, 0, 0),
        TypeFloat => (ColumnType.Float, 0, 0),
        TypeDouble => (ColumnType.Double, 0, 0),
        TypeYear => (ColumnType.Year, 0, 0),
        TypeNewDecimal => (ColumnType.Decimal, meta >> 8, meta & 0xFF),
        TypeVarChar or TypeVarString => (ColumnType.VarChar, 0, 0),
        TypeBlob => (ColumnType.Text, 0, 0),
        TypeString => (meta >> 8) switch
        {
            TypeEnum => (ColumnType.Enum, 0, 0),
            TypeSet => (ColumnType.Set, 0, 0),
            _ => (ColumnType.Char, 0, 0),
        },
        TypeDate => (ColumnType.Date, 0, 0),
        TypeDateTime2 => (ColumnType.DateTime, meta, 0),
        TypeTimestamp2 => (ColumnType.Timestamp, meta, 0),
        TypeTime2 => (ColumnType.Time, meta, 0),
        _ => throw new CaptureException($"{db}.{table}.{name}: binlog column type {type} is not supported by the capture"),
    };

    // The signedness bitmap covers numeric columns only, most significant bit first.
    private static bool[] Signedness(ref PacketReader field, byte[] types, ushort[] metadata)
    {
        var result = new bool[types.Length];
        var bit = 0;
        var bitmap = field.Rest;
        for (var i = 0; i < types.Length; i++)
        {
            if (types[i] is not (TypeTiny or TypeShort or TypeInt24 or TypeLong or TypeLongLong or TypeFloat or TypeDouble or TypeNewDecimal)) continue;
            result[i] = (bitmap[bit / 8] & (0x80 >> (bit % 8))) != 0;
            bit++;
        }
        return result;
    }

    private static void ReadStringLists(ref PacketReader field, Queue<string[]> into)
    {
        while (field.Remaining > 0)
        {
            var values = new string[(int)field.LengthEncoded()];
            for (var i = 0; i < values.Length; i++) values[i] = field.LengthEncodedString();
            into.Enqueue(values);
        }
    }
}
