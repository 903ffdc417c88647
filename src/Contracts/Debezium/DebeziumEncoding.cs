using System.Buffers.Text;
using System.Globalization;
using System.Numerics;

namespace Insights.Contracts.Debezium;

/// <summary>
/// Debezium's default value encodings for the MySQL/MariaDB connectors with
/// <c>time.precision.mode=adaptive_time_microseconds</c>, both ways. Temporal columns without a zone
/// (DATETIME, DATE, TIME) are encoded as if they were UTC, as Debezium does.
/// </summary>
public static class DebeziumEncoding
{
    private static readonly System.DateTime Epoch = System.DateTime.UnixEpoch;

    /// <summary>DATETIME(0-3): io.debezium.time.Timestamp, milliseconds since the epoch.</summary>
    public static long DateTimeMillis(System.DateTime value) => (value.Ticks - Epoch.Ticks) / TimeSpan.TicksPerMillisecond;

    /// <summary>DATETIME(4-6): io.debezium.time.MicroTimestamp, microseconds since the epoch.</summary>
    public static long DateTimeMicros(System.DateTime value) => (value.Ticks - Epoch.Ticks) / TimeSpan.TicksPerMicrosecond;

    /// <summary>The encoding a DATETIME column of this fractional precision gets.</summary>
    public static long DateTimeOf(System.DateTime value, int precision) => precision <= 3 ? DateTimeMillis(value) : DateTimeMicros(value);

    /// <summary>Throws FormatException past the range of dates (an unchecked multiply would wrap to a date near the epoch).</summary>
    public static System.DateTime DateTimeFromMillis(long millis) => AfterEpoch(millis, TimeSpan.TicksPerMillisecond, "ms");

    /// <summary>Throws FormatException past the range of dates.</summary>
    public static System.DateTime DateTimeFromMicros(long micros) => AfterEpoch(micros, TimeSpan.TicksPerMicrosecond, "us");

    private static System.DateTime AfterEpoch(long value, long ticksPerUnit, string unit) =>
        value >= (System.DateTime.MinValue.Ticks - Epoch.Ticks) / ticksPerUnit && value <= (System.DateTime.MaxValue.Ticks - Epoch.Ticks) / ticksPerUnit
            ? Epoch.AddTicks(value * ticksPerUnit)
            : throw new FormatException($"{value} {unit} since the epoch is past the range of dates");

    /// <summary>DATE: io.debezium.time.Date, days since the epoch.</summary>
    public static int Date(DateOnly value) => value.DayNumber - DateOnly.FromDateTime(Epoch).DayNumber;

    public static DateOnly DateFromDays(int days) => DateOnly.FromDateTime(Epoch).AddDays(days);

    /// <summary>TIME: io.debezium.time.MicroTime, microseconds (may be negative or above a day, as MySQL TIME is).</summary>
    public static long Time(TimeSpan value) => value.Ticks / TimeSpan.TicksPerMicrosecond;

    /// <summary>Throws FormatException past the range of TimeSpan.</summary>
    public static TimeSpan TimeFromMicros(long micros) =>
        micros is >= long.MinValue / TimeSpan.TicksPerMicrosecond and <= long.MaxValue / TimeSpan.TicksPerMicrosecond
            ? TimeSpan.FromTicks(micros * TimeSpan.TicksPerMicrosecond)
            : throw new FormatException($"{micros} us is past the range of times");

    /// <summary>
    /// TIMESTAMP: io.debezium.time.ZonedTimestamp, ISO-8601 in UTC ending in Z with the fraction only as long
    /// as needed: 2024-01-02T03:04:05Z, 2024-01-02T03:04:05.12Z.
    /// </summary>
    public static string Timestamp(DateTimeOffset value)
    {
        var utc = value.UtcDateTime;
        var text = utc.ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture);
        var fractionTicks = utc.Ticks % TimeSpan.TicksPerSecond;
        if (fractionTicks != 0)
            text += "." + fractionTicks.ToString("0000000", CultureInfo.InvariantCulture).TrimEnd('0');
        return text + "Z";
    }

    public static DateTimeOffset TimestampFromIso(string text)
    {
        if (!DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var value))
            throw new FormatException($"not an ISO-8601 timestamp: '{text}'");
        return value;
    }

    /// <summary>
    /// DECIMAL in <c>decimal.handling.mode=precise</c>: base64 of the unscaled value as a minimal big-endian
    /// two's-complement integer (12.50 in DECIMAL(8,2) is "BOI=", -3.10 is "/so=").
    /// </summary>
    public static string DecimalPrecise(decimal value, int scale)
    {
        var unscaled = Unscaled(value, scale);
        return Convert.ToBase64String(unscaled.ToByteArray(isUnsigned: false, isBigEndian: true));
    }

    public static decimal DecimalFromPrecise(string base64, int scale)
    {
        byte[] bytes;
        try { bytes = Convert.FromBase64String(base64); }
        catch (FormatException) { throw new FormatException($"not a base64 precise decimal: '{base64}'"); }
        if (bytes.Length == 0) throw new FormatException("empty precise decimal");
        var unscaled = new BigInteger(bytes, isUnsigned: false, isBigEndian: true);
        return (decimal)unscaled / Pow10(scale);
    }

    /// <summary>DECIMAL in <c>decimal.handling.mode=string</c>: the plain number with exactly the column's scale.</summary>
    public static string DecimalString(decimal value, int scale) =>
        decimal.Round(value, scale).ToString("F" + scale.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);

    public static decimal DecimalFromString(string text) =>
        decimal.TryParse(text, NumberStyles.Number, CultureInfo.InvariantCulture, out var value)
            ? value : throw new FormatException($"not a decimal string: '{text}'");

    /// <summary>DECIMAL in <c>decimal.handling.mode=double</c>.</summary>
    public static double DecimalDouble(decimal value) => (double)value;

    private static BigInteger Unscaled(decimal value, int scale)
    {
        var scaled = value * Pow10(scale);
        if (scaled != decimal.Truncate(scaled))
            throw new ArgumentException($"{value} has more than {scale} decimal places", nameof(value));
        return new BigInteger(decimal.Truncate(scaled));
    }

    private static decimal Pow10(int scale)
    {
        if (scale is < 0 or > 28) throw new ArgumentOutOfRangeException(nameof(scale), scale, "decimal scale must be 0..28");
        decimal result = 1m;
        for (var i = 0; i < scale; i++) result *= 10m;
        return result;
    }
}
