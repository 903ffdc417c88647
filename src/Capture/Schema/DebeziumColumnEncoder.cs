using System.Buffers.Binary;
using System.Globalization;
using Insights.Contracts.Debezium;

namespace Insights.Capture.Schema;

/// <summary>
/// Turns a decoded column value into Debezium's JSON value for that column type, with the connector's
/// settings decimal.handling.mode, time.precision.mode=adaptive_time_microseconds and binary.handling.mode=bytes
/// (bytes are base64 text in JSON, as Kafka Connect's JsonConverter writes them).
/// </summary>
public sealed class DebeziumColumnEncoder(DecimalHandling decimals = DecimalHandling.Precise)
{
    private static readonly DateTime Epoch = DateTime.UnixEpoch;

    public object? Encode(ColumnDefinition column, object? value)
    {
        if (value is null) return null;
        if (value is UnrepresentableDate) return column.Nullable ? null : EpochOf(column);
        try
        {
            return column.Type switch
            {
                // BIGINT UNSIGNED above long's range wraps, as with Debezium's default bigint.unsigned.handling.mode=long.
                ColumnType.BigInt when value is ulong unsigned => unchecked((long)unsigned),
                ColumnType.TinyInt or ColumnType.SmallInt or ColumnType.MediumInt or ColumnType.Int or ColumnType.BigInt or ColumnType.Year
                    => Convert.ToInt64(value, CultureInfo.InvariantCulture),
                ColumnType.Float or ColumnType.Double => Convert.ToDouble(value, CultureInfo.InvariantCulture),
                ColumnType.Decimal => EncodeDecimal(column, (decimal)value),
                ColumnType.VarChar or ColumnType.Char or ColumnType.Text or ColumnType.Enum or ColumnType.Set => (string)value,
                ColumnType.Date => (long)DebeziumEncoding.Date(value is DateOnly d ? d : DateOnly.FromDateTime((DateTime)value)),
                ColumnType.DateTime => DebeziumEncoding.DateTimeOf((DateTime)value, column.Precision),
                ColumnType.Timestamp => DebeziumEncoding.Timestamp(value is DateTimeOffset o ? o : new DateTimeOffset(DateTime.SpecifyKind((DateTime)value, DateTimeKind.Utc))),
                ColumnType.Time => DebeziumEncoding.Time((TimeSpan)value),
                ColumnType.Bit => EncodeBit(column, Convert.ToUInt64(value, CultureInfo.InvariantCulture)),
                ColumnType.Binary => Convert.ToBase64String(PadRight((byte[])value, column.Precision)),
                ColumnType.VarBinary => Convert.ToBase64String((byte[])value),
                ColumnType.Geometry => EncodeGeometry(column, (byte[])value, point: false),
                ColumnType.Point => EncodeGeometry(column, (byte[])value, point: true),
                _ => throw new NotSupportedException($"column type {column.Type}"),
            };
        }
        catch (Exception e) when (e is InvalidCastException or OverflowException or ArgumentException)
        {
            // The value itself may be personal data: the message names the column and the failure only.
            throw new CaptureException($"column {column.Name} ({column.Type}): cannot encode a {value.GetType().Name}: {e.Message}", e);
        }
    }

    // Debezium's fallback for a NOT NULL column whose value it cannot represent is the epoch in the column's encoding.
    private static object EpochOf(ColumnDefinition column) => column.Type switch
    {
        ColumnType.Date => 0L,
        ColumnType.DateTime => 0L,
        ColumnType.Timestamp => DebeziumEncoding.Timestamp(new DateTimeOffset(Epoch)),
        _ => throw new CaptureException($"column {column.Name} ({column.Type}) cannot hold a date"),
    };

    private object EncodeDecimal(ColumnDefinition column, decimal value) => decimals switch
    {
        DecimalHandling.Precise => DebeziumEncoding.DecimalPrecise(value, column.Scale),
        DecimalHandling.String => DebeziumEncoding.DecimalString(value, column.Scale),
        _ => DebeziumEncoding.DecimalDouble(value),
    };

    /// <summary>
    /// BIT(1) is a boolean; BIT(n) for n &gt; 1 is io.debezium.data.Bits: the value's bytes little-endian, as many as
    /// n bits need (BIT(10) b'1000000001' is [0x01, 0x02], "AQI=").
    /// </summary>
    private static object EncodeBit(ColumnDefinition column, ulong bits)
    {
        if (column.Precision <= 1) return bits != 0;
        var bytes = new byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, bits);
        return Convert.ToBase64String(bytes, 0, (column.Precision + 7) / 8);
    }

    private static byte[] PadRight(byte[] value, int length)
    {
        if (value.Length >= length) return value;
        var padded = new byte[length];
        value.CopyTo(padded, 0);
        return padded;
    }

    /// <summary>
    /// MariaDB stores spatial values as a 4-byte little-endian SRID followed by the WKB. Debezium writes
    /// io.debezium.data.geometry.Geometry {wkb, srid} and, for POINT columns, io.debezium.data.geometry.Point
    /// {x, y, wkb, srid}; SRID 0 (none given) is null.
    /// </summary>
    private static IReadOnlyList<ColumnValue> EncodeGeometry(ColumnDefinition column, byte[] stored, bool point)
    {
        if (stored.Length < 4 + 5) throw new CaptureException($"column {column.Name}: a spatial value of {stored.Length} bytes is shorter than SRID and WKB header");
        var srid = BinaryPrimitives.ReadInt32LittleEndian(stored);
        var wkb = stored.AsMemory(4);
        var fields = new List<ColumnValue>(4);
        if (point)
        {
            // A 2D point's WKB: byte order (1 = little-endian), type 1, x, y.
            if (wkb.Length != 21) throw new CaptureException($"column {column.Name}: POINT value is not a 2D point ({wkb.Length} bytes of WKB)");
            var little = wkb.Span[0] != 0;
            double Coordinate(int offset) => little ? BinaryPrimitives.ReadDoubleLittleEndian(wkb.Span[offset..]) : BinaryPrimitives.ReadDoubleBigEndian(wkb.Span[offset..]);
            fields.Add(new ColumnValue("x", Coordinate(5)));
            fields.Add(new ColumnValue("y", Coordinate(13)));
        }
        fields.Add(new ColumnValue("wkb", Convert.ToBase64String(wkb.Span)));
        fields.Add(new ColumnValue("srid", srid == 0 ? null : (long)srid));
        return fields;
    }
}
