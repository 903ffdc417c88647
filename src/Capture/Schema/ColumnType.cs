namespace Insights.Capture.Schema;

/// <summary>The column types the capture decodes and encodes the Debezium way.</summary>
public enum ColumnType
{
    TinyInt, SmallInt, MediumInt, Int, BigInt, Float, Double, Decimal, Year,
    VarChar, Char, Text, Enum, Set,
    Date, DateTime, Timestamp, Time,
}
