using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using Insights.Capture.Protocol;
using Insights.Capture.Schema;

namespace Insights.Capture.Binlog;

/// <summary>
/// Decodes one column value of a row image from MariaDB's binary row format into a .NET value:
/// integers as long (unsigned as ulong), DECIMAL as decimal, DATETIME as DateTime, TIMESTAMP as
/// DateTimeOffset (UTC), DATE as DateOnly, TIME as a signed TimeSpan, ENUM and SET as their string values,
/// text in the column's character set, BIT as ulong, binary and spatial values as bytes, and a zero or
/// invalid date as <see cref="UnrepresentableDate"/>.
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
            case ColumnType.VarChar: return Text(r.Bytes(meta < 256 ? r.U8() : r.U16()), column);
            case ColumnType.VarBinary when binlogType is TypeVarChar or TypeVarString: return r.Bytes(meta < 256 ? r.U8() : r.U16()).ToArray();
            case ColumnType.Char: return Text(r.Bytes(CharLength(ref r, meta)), column);
            case ColumnType.Binary: return r.Bytes(CharLength(ref r, meta)).ToArray();
            case ColumnType.Text: return Text(r.Bytes(BlobLength(ref r, meta)), column);
            case ColumnType.VarBinary or ColumnType.Geometry or ColumnType.Point: return r.Bytes(BlobLength(ref r, meta)).ToArray();
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
            case ColumnType.Bit:
            {
                // Metadata: bits beyond whole bytes in the low byte, whole bytes in the high byte; the value is big-endian.
                var length = (meta >> 8) + ((meta & 0xFF) > 0 ? 1 : 0);
                return (ulong)ReadBigEndian(r.Bytes(length));
            }
            case ColumnType.Date:
            {
                var v = r.U24();
                return DateOrUnrepresentable((int)(v >> 9), (int)(v >> 5) & 15, (int)v & 31);
            }
            case ColumnType.DateTime:
            {
                var packed = ReadBigEndian(r.Bytes(5)) - 0x8000000000L;
                var micros = ReadFraction(ref r, column.Precision);
                var ymd = packed >> 17;
                var ym = ymd >> 5;
                var hms = packed & 0x1FFFF;
                if (DateOrUnrepresentable((int)(ym / 13), (int)(ym % 13), (int)(ymd & 31)) is not DateOnly date) return UnrepresentableDate.Value;
                return date.ToDateTime(new TimeOnly((int)(hms >> 12), (int)(hms >> 6) & 63, (int)hms & 63), DateTimeKind.Utc)
                    .AddTicks(micros * TimeSpan.TicksPerMicrosecond);
            }
            case ColumnType.Timestamp:
            {
                var seconds = ReadBigEndian(r.Bytes(4));
                var micros = ReadFraction(ref r, column.Precision);
                // TIMESTAMP starts at 1970-01-01 00:00:01 UTC: second 0 is the zero date '0000-00-00 00:00:00'.
                if (seconds == 0 && micros == 0) return UnrepresentableDate.Value;
                return DateTimeOffset.FromUnixTimeSeconds(seconds).AddTicks(micros * TimeSpan.TicksPerMicrosecond);
            }
            case ColumnType.Time: return ReadTime(ref r, column.Precision);
            default:
                throw new CaptureException($"column {column.Name}: binlog type {binlogType} is not supported by the capture");
        }
    }

    private const byte TypeVarChar = 15, TypeVarString = 253;

    private static string Text(ReadOnlySpan<byte> bytes, ColumnDefinition column) =>
        (column.TextEncoding ?? Encoding.UTF8).GetString(bytes);

    // CHAR's maximum byte length is split across the two metadata bytes.
    private static int CharLength(ref PacketReader r, ushort meta)
    {
        var maxLength = (((meta >> 4) & 0x300) ^ 0x300) + (meta & 0xFF);
        return maxLength > 255 ? r.U16() : r.U8();
    }

    private static int BlobLength(ref PacketReader r, ushort meta) =>
        meta switch { 1 => r.U8(), 2 => r.U16(), 3 => (int)r.U24(), _ => checked((int)r.U32()) };

    private static object DateOrUnrepresentable(int year, int month, int day) =>
        year is >= 1 and <= 9999 && month is >= 1 and <= 12 && day >= 1 && day <= DateTime.DaysInMonth(year, month)
            ? new DateOnly(year, month, day)
            : UnrepresentableDate.Value;

    /// <summary>
    /// TIME2: a 3-byte big-endian integer part (sign, 10 bits hours, 6 minutes, 6 seconds) offset by 0x800000, then
    /// 0-3 fraction bytes. A negative time is stored as a whole (integer and fraction) in two's complement, so a
    /// negative value with a fraction borrows one from the integer part.
    /// </summary>
    private static TimeSpan ReadTime(ref PacketReader r, int precision)
    {
        var integer = ReadBigEndian(r.Bytes(3)) - 0x800000L;
        long fraction = 0;
        switch (precision)
        {
            case 1 or 2:
            {
                fraction = r.U8();
                if (integer < 0 && fraction != 0) { integer++; fraction -= 0x100; }
                fraction *= 10000;
                break;
            }
            case 3 or 4:
            {
                fraction = ReadBigEndian(r.Bytes(2));
                if (integer < 0 && fraction != 0) { integer++; fraction -= 0x10000; }
                fraction *= 100;
                break;
            }
            case 5 or 6:
            {
                fraction = ReadBigEndian(r.Bytes(3));
                if (integer < 0 && fraction != 0) { integer++; fraction -= 0x1000000; }
                break;
            }
        }
        var packed = (integer << 24) + fraction;
        var magnitude = Math.Abs(packed);
        var hms = magnitude >> 24;
        var micros = ((hms >> 12 & 0x3FF) * 3600 + (hms >> 6 & 63) * 60 + (hms & 63)) * 1_000_000L + (magnitude & 0xFFFFFF);
        return TimeSpan.FromTicks((packed < 0 ? -micros : micros) * TimeSpan.TicksPerMicrosecond);
    }

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
