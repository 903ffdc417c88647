using System.Globalization;
using Insights.Contracts.Debezium;

namespace Insights.Capture.Schema;

/// <summary>
/// Turns a decoded column value into Debezium's JSON value for that column type, with the connector's
/// settings decimal.handling.mode and time.precision.mode=adaptive_time_microseconds.
/// </summary>
public sealed class DebeziumColumnEncoder(DecimalHandling decimals = DecimalHandling.Precise)
{
    public object? Encode(ColumnDefinition column, object? value)
    {
        if (value is null) return null;
        try
        {
            return column.Type switch
            {
                ColumnType.TinyInt or ColumnType.SmallInt or ColumnType.MediumInt or ColumnType.Int or ColumnType.BigInt or ColumnType.Year
                    => Convert.ToInt64(value, CultureInfo.InvariantCulture),
                ColumnType.Float or ColumnType.Double => Convert.ToDouble(value, CultureInfo.InvariantCulture),
                ColumnType.Decimal => EncodeDecimal(column, (decimal)value),
                ColumnType.VarChar or ColumnType.Char or ColumnType.Text or ColumnType.Enum or ColumnType.Set => (string)value,
                ColumnType.Date => (long)DebeziumEncoding.Date(value is DateOnly d ? d : DateOnly.FromDateTime((DateTime)value)),
                ColumnType.DateTime => DebeziumEncoding.DateTimeOf((DateTime)value, column.Precision),
                ColumnType.Timestamp => DebeziumEncoding.Timestamp(value is DateTimeOffset o ? o : new DateTimeOffset(DateTime.SpecifyKind((DateTime)value, DateTimeKind.Utc))),
                ColumnType.Time => DebeziumEncoding.Time((TimeSpan)value),
                _ => throw new NotSupportedException($"column type {column.Type}"),
            };
        }
        catch (InvalidCastException e)
        {
            throw new CaptureException($"column {column.Name} ({column.Type}): cannot encode a {value.GetType().Name}", e);
        }
    }

    private object EncodeDecimal(ColumnDefinition column, decimal value) => decimals switch
    {
        DecimalHandling.Precise => DebeziumEncoding.DecimalPrecise(value, column.Scale),
        DecimalHandling.String => DebeziumEncoding.DecimalString(value, column.Scale),
        _ => DebeziumEncoding.DecimalDouble(value),
    };
}
