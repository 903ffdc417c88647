using Insights.Contracts.Debezium;

namespace Insights.Contracts.Tests.Debezium;

public sealed class DebeziumEncodingTests
{
    [Theory]
    [InlineData("12.50", "BOI=")]
    [InlineData("-3.10", "/so=")]
    [InlineData("0.00", "AA==")]
    [InlineData("1.27", "fw==")]
    [InlineData("1.28", "AIA=")]
    [InlineData("-1.28", "gA==")]
    [InlineData("-1.29", "/38=")]
    [InlineData("999999.99", "BfXg/w==")]
    public void Precise_decimal_is_base64_of_the_minimal_big_endian_twos_complement_unscaled_value(string value, string base64)
    {
        Assert.Equal(base64, DebeziumEncoding.DecimalPrecise(decimal.Parse(value, System.Globalization.CultureInfo.InvariantCulture), 2));
        Assert.Equal(decimal.Parse(value, System.Globalization.CultureInfo.InvariantCulture), DebeziumEncoding.DecimalFromPrecise(base64, 2));
    }

    [Fact]
    public void Precise_decimal_rejects_more_decimal_places_than_the_scale()
    {
        var error = Assert.Throws<ArgumentException>(() => DebeziumEncoding.DecimalPrecise(1.234m, 2));
        Assert.Contains("more than 2 decimal places", error.Message);
    }

    [Fact]
    public void String_decimal_keeps_the_columns_scale()
    {
        Assert.Equal("12.50", DebeziumEncoding.DecimalString(12.5m, 2));
        Assert.Equal(-3.1m, DebeziumEncoding.DecimalFromString("-3.10"));
    }

    [Fact]
    public void Datetime_up_to_three_digits_is_epoch_milliseconds_and_above_is_epoch_microseconds()
    {
        var value = new DateTime(2024, 1, 2, 3, 4, 5, 123, DateTimeKind.Utc).AddTicks(4560);
        Assert.Equal(1704164645123L, DebeziumEncoding.DateTimeOf(value, 3));
        Assert.Equal(1704164645123456L, DebeziumEncoding.DateTimeOf(value, 6));
        Assert.Equal(new DateTime(2024, 1, 2, 3, 4, 5, 123, DateTimeKind.Utc), DebeziumEncoding.DateTimeFromMillis(1704164645123L));
        Assert.Equal(value, DebeziumEncoding.DateTimeFromMicros(1704164645123456L));
    }

    [Theory]
    [InlineData(0L, "2024-01-02T03:04:05Z")]
    [InlineData(1_200_000L, "2024-01-02T03:04:05.12Z")]
    [InlineData(1_234_560L, "2024-01-02T03:04:05.123456Z")]
    public void Timestamp_is_iso_8601_utc_with_the_fraction_only_as_long_as_needed(long ticks, string expected)
    {
        var value = new DateTimeOffset(2024, 1, 2, 5, 4, 5, TimeSpan.FromHours(2)).AddTicks(ticks);
        Assert.Equal(expected, DebeziumEncoding.Timestamp(value));
        Assert.Equal(value, DebeziumEncoding.TimestampFromIso(expected));
    }

    [Fact]
    public void Date_is_days_since_the_epoch()
    {
        Assert.Equal(19724, DebeziumEncoding.Date(new DateOnly(2024, 1, 2)));
        Assert.Equal(-1, DebeziumEncoding.Date(new DateOnly(1969, 12, 31)));
        Assert.Equal(new DateOnly(2024, 1, 2), DebeziumEncoding.DateFromDays(19724));
    }

    [Fact]
    public void Time_is_microseconds()
    {
        Assert.Equal(3_723_000_004L, DebeziumEncoding.Time(new TimeSpan(1, 2, 3) + TimeSpan.FromTicks(40)));
        Assert.Equal(new TimeSpan(1, 2, 3), DebeziumEncoding.TimeFromMicros(3_723_000_000L));
    }
}
