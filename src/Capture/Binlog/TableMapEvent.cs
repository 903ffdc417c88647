using System.Text;
using Insights.Capture.Protocol;
using Insights.Capture.Schema;

namespace Insights.Capture.Binlog;

/// <summary>
/// TABLE_MAP: binds a table id to a table's column types for the row events that follow. With
/// binlog_row_metadata=FULL it also names the columns, their signedness, character sets, ENUM/SET values,
/// geometry types and the primary key, so each row event is decoded with the schema of its own moment.
/// </summary>
public sealed record TableMapEvent(ulong TableId, string Database, string Table, byte[] BinlogTypes, ushort[] Metadata, TableDefinition Definition)
{
    private const byte TypeTiny = 1, TypeShort = 2, TypeLong = 3, TypeFloat = 4, TypeDouble = 5, TypeTimestamp = 7,
        TypeLongLong = 8, TypeInt24 = 9, TypeDate = 10, TypeTime = 11, TypeDateTime = 12, TypeYear = 13, TypeVarChar = 15, TypeBit = 16,
        TypeTimestamp2 = 17, TypeDateTime2 = 18, TypeTime2 = 19, TypeBlobCompressed = 140, TypeVarCharCompressed = 141,
        TypeNewDecimal = 246, TypeEnum = 247, TypeSet = 248, TypeTinyBlob = 249, TypeMediumBlob = 250, TypeLongBlob = 251,
        TypeBlob = 252, TypeVarString = 253, TypeString = 254, TypeGeometry = 255;

    // Optional metadata field types (MariaDB's Table_map_log_event::Optional_metadata_field_type).
    private const byte Signedness = 1, DefaultCharset = 2, ColumnCharset = 3, ColumnName = 4, SetValues = 5, EnumValues = 6,
        GeometryType = 7, SimplePrimaryKey = 8, PrimaryKeyWithPrefix = 9, EnumAndSetDefaultCharset = 10, EnumAndSetColumnCharset = 11;

    private const int GeometryPoint = 1;

    public static TableMapEvent Parse(ReadOnlySpan<byte> body, CollationCharsets charsets)
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
                TypeFloat or TypeDouble or TypeBlob or TypeTinyBlob or TypeMediumBlob or TypeLongBlob or TypeTimestamp2 or TypeDateTime2
                    or TypeTime2 or TypeGeometry or TypeBlobCompressed => metaReader.U8(),
                TypeVarChar or TypeVarString or TypeBit or TypeVarCharCompressed => metaReader.U16(),
                TypeNewDecimal or TypeString or TypeEnum or TypeSet => (ushort)(metaReader.U8() << 8 | metaReader.U8()),
                _ => 0,
            };
        }
        var nullable = r.Bytes((count + 7) / 8).ToArray();

        string[]? names = null;
        bool[]? unsigned = null;
        var enumValues = new Queue<byte[][]>();
        var setValues = new Queue<byte[][]>();
        var keys = new HashSet<int>();
        int[]? textCollations = null, enumSetCollations = null;
        var geometryTypes = new Queue<int>();
        var characterColumns = Enumerable.Range(0, count).Where(i => IsCharacter(types[i], metadata[i])).ToArray();
        var enumSetColumns = Enumerable.Range(0, count).Where(i => IsEnumOrSet(types[i], metadata[i])).ToArray();
        while (r.Remaining > 0)
        {
            var fieldType = r.U8();
            var length = (int)r.LengthEncoded();
            var field = new PacketReader(r.Bytes(length));
            switch (fieldType)
            {
                case Signedness: unsigned = ReadSignedness(ref field, types); break;
                case DefaultCharset: textCollations = ReadDefaultCollations(ref field, characterColumns.Length); break;
                case ColumnCharset: textCollations = ReadColumnCollations(ref field, characterColumns.Length); break;
                case ColumnName:
                    names = new string[count];
                    for (var i = 0; i < count; i++) names[i] = field.LengthEncodedString();
                    break;
                case SetValues: ReadStringLists(ref field, setValues); break;
                case EnumValues: ReadStringLists(ref field, enumValues); break;
                case GeometryType: while (field.Remaining > 0) geometryTypes.Enqueue((int)field.LengthEncoded()); break;
                case SimplePrimaryKey: while (field.Remaining > 0) keys.Add((int)field.LengthEncoded()); break;
                case PrimaryKeyWithPrefix: while (field.Remaining > 0) { keys.Add((int)field.LengthEncoded()); field.LengthEncoded(); } break;
                case EnumAndSetDefaultCharset: enumSetCollations = ReadDefaultCollations(ref field, enumSetColumns.Length); break;
                case EnumAndSetColumnCharset: enumSetCollations = ReadColumnCollations(ref field, enumSetColumns.Length); break;
            }
        }
        if (names is null)
            throw new CaptureException($"table map of {database}.{table} has no column names: set binlog_row_metadata=FULL on the server");

        // Without charset metadata (impossible with FULL) text stays UTF-8, binary-typed columns stay bytes.
        var collationOf = new Dictionary<int, int>();
        for (var c = 0; c < characterColumns.Length && textCollations is not null; c++) collationOf[characterColumns[c]] = textCollations[c];
        for (var c = 0; c < enumSetColumns.Length && enumSetCollations is not null; c++) collationOf[enumSetColumns[c]] = enumSetCollations[c];

        var columns = new ColumnDefinition[count];
        for (var i = 0; i < count; i++)
        {
            var qualified = $"{database}.{table}.{names[i]}";
            var encoding = collationOf.TryGetValue(i, out var collation) ? charsets.EncodingOf(collation, qualified) : Encoding.UTF8;
            var geometry = types[i] == TypeGeometry ? (geometryTypes.Count > 0 ? geometryTypes.Dequeue() : 0) : 0;
            var (type, precision, scale) = Describe(types[i], metadata[i], encoding is null, geometry, qualified);
            IReadOnlyList<string>? members = type switch
            {
                ColumnType.Enum => Decode(enumValues.Count > 0 ? enumValues.Dequeue() : throw new CaptureException($"{qualified}: ENUM values missing from the table map"), encoding),
                ColumnType.Set => Decode(setValues.Count > 0 ? setValues.Dequeue() : throw new CaptureException($"{qualified}: SET values missing from the table map"), encoding),
                _ => null,
            };
            columns[i] = new ColumnDefinition(names[i], type, precision, scale, unsigned?[i] ?? false, members, keys.Contains(i),
                Nullable: (nullable[i / 8] & (1 << (i % 8))) != 0, TextEncoding: encoding);
        }
        return new TableMapEvent(tableId, database, table, types, metadata, new TableDefinition(database, table, columns));
    }

    private static (ColumnType Type, int Precision, int Scale) Describe(byte type, ushort meta, bool binary, int geometry, string column) => type switch
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
        TypeVarChar or TypeVarString => (binary ? ColumnType.VarBinary : ColumnType.VarChar, 0, 0),
        TypeBlob or TypeTinyBlob or TypeMediumBlob or TypeLongBlob => (binary ? ColumnType.VarBinary : ColumnType.Text, 0, 0),
        TypeString => (meta >> 8) switch
        {
            TypeEnum => (ColumnType.Enum, 0, 0),
            TypeSet => (ColumnType.Set, 0, 0),
            _ => binary ? (ColumnType.Binary, (((meta >> 4) & 0x300) ^ 0x300) + (meta & 0xFF), 0) : (ColumnType.Char, 0, 0),
        },
        TypeBit => (ColumnType.Bit, (meta >> 8) * 8 + (meta & 0xFF), 0),
        TypeGeometry => (geometry == GeometryPoint ? ColumnType.Point : ColumnType.Geometry, 0, 0),
        TypeDate => (ColumnType.Date, 0, 0),
        TypeDateTime2 => (ColumnType.DateTime, meta, 0),
        TypeTimestamp2 => (ColumnType.Timestamp, meta, 0),
        TypeTime2 => (ColumnType.Time, meta, 0),
        TypeTimestamp or TypeDateTime or TypeTime => throw new CaptureException(
            $"{column} uses the pre-10.0 temporal storage format, which the capture does not decode; rewrite the table " +
            "in the current format (SET GLOBAL mysql56_temporal_format=ON, then ALTER TABLE ... FORCE)"),
        TypeBlobCompressed or TypeVarCharCompressed => throw new CaptureException(
            $"{column} is a COMPRESSED column, which the capture does not decode; drop the COMPRESSED attribute"),
        _ => throw new CaptureException($"{column}: binlog column type {type} is not supported by the capture"),
    };

    // Columns with a character set in the table map: strings, blobs and spatial values; ENUM and SET are counted apart.
    private static bool IsCharacter(byte type, ushort meta) => type switch
    {
        TypeVarChar or TypeVarString or TypeBlob or TypeTinyBlob or TypeMediumBlob or TypeLongBlob or TypeGeometry
            or TypeBlobCompressed or TypeVarCharCompressed => true,
        TypeString => !IsEnumOrSet(type, meta),
        _ => false,
    };

    private static bool IsEnumOrSet(byte type, ushort meta) =>
        type is TypeEnum or TypeSet || (type == TypeString && (meta >> 8) is TypeEnum or TypeSet);

    // The signedness bitmap covers numeric columns only, most significant bit first.
    private static bool[] ReadSignedness(ref PacketReader field, byte[] types)
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

    // DEFAULT_CHARSET: the most common collation, then (index among the counted columns, collation) for the others.
    private static int[] ReadDefaultCollations(ref PacketReader field, int columns)
    {
        var collations = new int[columns];
        Array.Fill(collations, (int)field.LengthEncoded());
        while (field.Remaining > 0)
        {
            var index = (int)field.LengthEncoded();
            var collation = (int)field.LengthEncoded();
            if (index < columns) collations[index] = collation;
        }
        return collations;
    }

    // COLUMN_CHARSET: one collation per counted column, in order.
    private static int[] ReadColumnCollations(ref PacketReader field, int columns)
    {
        var collations = new int[columns];
        for (var i = 0; i < columns && field.Remaining > 0; i++) collations[i] = (int)field.LengthEncoded();
        return collations;
    }

    private static void ReadStringLists(ref PacketReader field, Queue<byte[][]> into)
    {
        while (field.Remaining > 0)
        {
            var values = new byte[(int)field.LengthEncoded()][];
            for (var i = 0; i < values.Length; i++) values[i] = field.Bytes(checked((int)field.LengthEncoded())).ToArray();
            into.Enqueue(values);
        }
    }

    // ENUM and SET values are written in the column's character set.
    private static string[] Decode(byte[][] values, Encoding? encoding) =>
        values.Select(v => (encoding ?? Encoding.UTF8).GetString(v)).ToArray();
}
