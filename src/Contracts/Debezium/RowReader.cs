using System.Text.Json;

namespace Insights.Contracts.Debezium;

/// <summary>
/// Reads the columns of one Debezium row image with their encodings; a missing column or a value of the
/// wrong shape throws a FormatException naming the column.
/// </summary>
public readonly struct RowReader(JsonElement row, DecimalHandling decimals = DecimalHandling.Precise)
{
    private JsonElement Column(string name, bool nullable, out bool isNull)
    {
        if (row.ValueKind != JsonValueKind.Object) throw new FormatException($"row image must be an object, got {row.ValueKind}");
        if (!row.TryGetProperty(name, out var value)) throw new FormatException($"row has no column '{name}'");
        isNull = value.ValueKind == JsonValueKind.Null;
        if (isNull && !nullable) throw new FormatException($"column '{name}' is null");
        return value;
    }

    private JsonElement Expect(string name, JsonValueKind kind, bool nullable, out bool isNull)
    {
        var value = Column(name, nullable, out isNull);
        if (!isNull && value.ValueKind != kind) throw new FormatException($"column '{name}' must be a {kind}, got {value.ValueKind}");
        return value;
    }

    public int Int32(string name) =>
        Expect(name, JsonValueKind.Number, false, out _).TryGetInt32(out var v) ? v : throw new FormatException($"column '{name}' is not a 32-bit integer");

    public int? NullableInt32(string name)
    {
        var value = Expect(name, JsonValueKind.Number, true, out var isNull);
        if (isNull) return null;
        return value.TryGetInt32(out var v) ? v : throw new FormatException($"column '{name}' is not a 32-bit integer");
    }

    public long Int64(string name) =>
        Expect(name, JsonValueKind.Number, false, out _).TryGetInt64(out var v) ? v : throw new FormatException($"column '{name}' is not a 64-bit integer");

    public string String(string name) => Expect(name, JsonValueKind.String, false, out _).GetString()!;

    public string? NullableString(string name)
    {
        var value = Expect(name, JsonValueKind.String, true, out var isNull);
        return isNull ? null : value.GetString();
    }

    /// <summary>SET: Debezium sends the members comma-separated; the empty set is "".</summary>
    public IReadOnlyList<string> Set(string name) =>
        String(name).Split(',', StringSplitOptions.RemoveEmptyEntries);

    /// <summary>DATETIME(0-3): epoch milliseconds.</summary>
    public DateTime DateTimeMillis(string name) => Named(name, Int64(name), DebeziumEncoding.DateTimeFromMillis);

    /// <summary>DATETIME(4-6): epoch microseconds.</summary>
    public DateTime DateTimeMicros(string name) => Named(name, Int64(name), DebeziumEncoding.DateTimeFromMicros);

    /// <summary>TIMESTAMP: ISO-8601 UTC string.</summary>
    public DateTimeOffset Timestamp(string name)
    {
        var text = String(name);
        try { return DebeziumEncoding.TimestampFromIso(text); }
        catch (FormatException e) { throw new FormatException($"column '{name}': {e.Message}", e); }
    }

    /// <summary>DATE: days since the epoch.</summary>
    public DateOnly? NullableDate(string name)
    {
        var days = NullableInt32(name);
        return days is null ? null : DebeziumEncoding.DateFromDays(days.Value);
    }

    /// <summary>TIME: microseconds.</summary>
    public TimeSpan Time(string name) => Named(name, Int64(name), DebeziumEncoding.TimeFromMicros);

    /// <summary>A value whose decoding failed names its column (errors of reading the column itself already do).</summary>
    private static T Named<T>(string name, long value, Func<long, T> decode)
    {
        try { return decode(value); }
        catch (FormatException e) { throw new FormatException($"column '{name}': {e.Message}", e); }
    }

    /// <summary>DECIMAL(p, scale) in whichever decimal.handling.mode this reader was built for.</summary>
    public decimal Decimal(string name, int scale)
    {
        var value = Column(name, false, out _);
        try
        {
            return decimals switch
            {
                DecimalHandling.Precise when value.ValueKind == JsonValueKind.String => DebeziumEncoding.DecimalFromPrecise(value.GetString()!, scale),
                DecimalHandling.String when value.ValueKind == JsonValueKind.String => DebeziumEncoding.DecimalFromString(value.GetString()!),
                DecimalHandling.Double when value.ValueKind == JsonValueKind.Number => (decimal)value.GetDouble(),
                _ => throw new FormatException($"expected a {decimals} decimal, got a JSON {value.ValueKind}"),
            };
        }
        catch (FormatException e) when (!e.Message.StartsWith("column", StringComparison.Ordinal))
        {
            throw new FormatException($"column '{name}': {e.Message}", e);
        }
    }
}
