using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using Insights.Capture.Protocol;
using Insights.Capture.Schema;

namespace Insights.Capture.Binlog;

/// <summary>
/// Decodes one column value of a row image from MariaDB's binary row format into a .NET value:
/// integers as long (unsigned as ulong), DECIMAL as decimal, DATETIME as DateTime, TIMESTAMP as
/// DateTimeOffset (UTC), DATE as DateOnly, TIME as TimeSpan, ENUM and SET as their string values.
/// </summary>
public static class ColumnValueDecoder
{
    private static readonly int[] DigitBytes = [0, 1, 1, 2, 2, 3, 3, 4, 4, 4];

    public static object? Read(ref PacketReader r, byte binlogType, ushort meta, ColumnDefinition column)
    {
        switch (column.Type)
        {
            case ColumnType.TinyInt: { var v = r.U8(); return column.Unsigned ? (long)v : (sbyte)v; }
            case ColumnType.SmallInt: { var v = r.U16(); return column.Unsigned ? (long)v : (short)v; }
            case ColumnType.MediumInt: { var v = r.U24(); return column.Unsigned ? (long)v : (v & 0x800000) != 0 ? (long)(v | 0xFF000000) - 0x100000000 : v; }
            case ColumnType.Int: { var v = r.U32(); return column.Unsigned ? (long)v : (int)v; }
            case ColumnType.BigInt: { var v = r.U64(); return column.Unsigned ? (object)v : (long)v; }
            case ColumnType.Float: return (double)BinaryPrimitives.ReadSingleLittleEndian(r.Bytes(4));
            case ColumnType.Double: return BinaryPrimitives.ReadDoubleLittleEndian(r.Bytes(8));
            case ColumnType.Year: { var v = r.U8(); return v == 0 ? 0L : 1900L + v; }
            case ColumnType.Decimal: return ReadDecimal(ref r, meta >> 8, meta & 0xFF);
            case ColumnType.VarChar:
            {
                var length = meta < 256 ? r.U8() : r.U16();
                return Encoding.UTF8.GetString(r.Bytes(length));
            }
            case ColumnType.Char:
            {
                // CHAR's maximum byte length is split across the two metadata bytes.
                var maxLength = (((meta >> 4) & 0x300) ^ 0x300) + (meta & 0xFF);
                var length = maxLength > 255 ? r.U16() : r.U8();
                return Encoding.UTF8.GetString(r.Bytes(length));
            }
            case ColumnType.Text:
            {
                var length = meta switch { 1 => r.U8(), 2 => r.U16(), 3 => (int)r.U24(), _ => (int)r.U32() };
                return Encoding.UTF8.GetString(r.Bytes(length));
            }
            case ColumnType.Enum:
            {
                var index = (meta & 0xFF) == 1 ? r.U8() : r.U16();
                return index == 0 ? "" : column.Members![index - 1];
            }
            case ColumnType.Set:
            {
                var size = meta & 0xFF;
                ulong bits = 0;
                var bytes = r.Bytes(size);
                for (var i = 0; i < size; i++) bits |= (ulong)bytes[i] << (8 * i);
                var members = column.Members!;
                return string.Join(',', Enumerable.Range(0, members.Count).Where(i => (bits & (1UL << i)) != 0).Select(i => members[i]));
            }
            case ColumnType.Date:
            {
                var v = r.U24();
                var (year, month, day) = ((int)(v >> 9), (int)(v >> 5) & 15, (int)v & 31);
                return year == 0 || month == 0 || day == 0 ? throw ZeroDate(column) : new DateOnly(year, month, day);
            }
            case ColumnType.DateTime:
            {
                var packed = ReadBigEndian(r.Bytes(5)) - 0x8000000000L;
                var micros = ReadFraction(ref r, column.Precision);
                var ymd = packed >> 17;
                var ym = ymd >> 5;
                var hms = packed & 0x1FFFF;
                var (year, month, day) = ((int)(ym / 13), (int)(ym % 13), (int)(ymd & 31));
                if (year == 0 || month == 0 || day == 0) throw ZeroDate(column);
                return new DateTime(year, month, day, (int)(hms >> 12), (int)(hms >> 6) & 63, (int)hms & 63, DateTimeKind.Utc)
                    .AddTicks(micros * TimeSpan.TicksPerMicrosecond);
            }
            case ColumnType.Timestamp:
            {
                var seconds = ReadBigEndian(r.Bytes(4));
                var micros = ReadFraction(ref r, column.Precision);
                return DateTimeOffset.FromUnixTimeSeconds(seconds).AddTicks(micros * TimeSpan.TicksPerMicrosecond);
            }
            case ColumnType.Time:
            {
                var packed = ReadBigEndian(r.Bytes(3)) - 0x800000L;
                var micros = ReadFraction(ref r, column.Precision);
                if (packed < 0) throw new CaptureException($"column {column.Name}: negative TIME values are not supported by the capture");
                var time = new TimeSpan((int)(packed >> 12) & 0x3FF, (int)(packed >> 6) & 63, (int)packed & 63);
                return time + TimeSpan.FromTicks(micros * TimeSpan.TicksPerMicrosecond);
            }
            default:
                throw new CaptureException($"column {column.Name}: binlog type {binlogType} is not supported by the capture");
        }
    }

    private static CaptureException ZeroDate(ColumnDefinition column) =>
        new($"column {column.Name} holds a zero date, which has no Debezium encoding; use NULL or a real date");

    private static long ReadBigEndian(ReadOnlySpan<byte> bytes)
    {
        long v = 0;
        foreach (var b in bytes) v = v << 8 | b;
        return v;
    }

    private static long ReadFraction(ref PacketReader r, int precision) => precision switch
    {
        1 or 2 => r.U8() * 10000L,
        3 or 4 => ReadBigEndian(r.Bytes(2)) * 100L,
        5 or 6 => ReadBigEndian(r.Bytes(3)),
        _ => 0,
    };

    /// <summary>
    /// MySQL's binary DECIMAL: groups of 9 digits in 4 big-endian bytes (fewer for partial groups), integer
    /// part then fraction, sign in the inverted top bit, negative values stored as the one's complement.
    /// </summary>
    private static decimal ReadDecimal(ref PacketReader r, int precision, int scale)
    {
        var integerDigits = precision - scale;
        var (intFull, intPartial) = (integerDigits / 9, integerDigits % 9);
        var (fracFull, fracPartial) = (scale / 9, scale % 9);
        var size = intFull * 4 + DigitBytes[intPartial] + fracFull * 4 + DigitBytes[fracPartial];
        var bytes = r.Bytes(size).ToArray();
        var negative = (bytes[0] & 0x80) == 0;
        bytes[0] ^= 0x80;
        if (negative) for (var i = 0; i < bytes.Length; i++) bytes[i] = (byte)~bytes[i];
        var text = new StringBuilder(precision + 2);
        if (negative) text.Append('-');
        var offset = 0;
        long Group(int length) { var v = ReadBigEndian(bytes.AsSpan(offset, length)); offset += length; return v; }
        var integer = new StringBuilder();
        if (intPartial > 0) integer.Append(Group(DigitBytes[intPartial]));
        for (var i = 0; i < intFull; i++) integer.Append(Group(4).ToString("D9", CultureInfo.InvariantCulture));
        text.Append(integer.Length == 0 ? "0" : integer.ToString());
        if (scale > 0)
        {
            text.Append('.');
            for (var i = 0; i < fracFull; i++) text.Append(Group(4).ToString("D9", CultureInfo.InvariantCulture));
            if (fracPartial > 0) text.Append(Group(DigitBytes[fracPartial]).ToString("D" + fracPartial, CultureInfo.InvariantCulture));
        }
        var value = decimal.Parse(text.ToString(), NumberStyles.Number, CultureInfo.InvariantCulture);
        return value;
    }
}
