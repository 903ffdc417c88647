namespace Insights.Capture.Schema;

/// <summary>
/// A DATE, DATETIME or TIMESTAMP value that names no instant: MariaDB's zero date '0000-00-00' (accepted by its
/// default sql_mode), a partial zero such as '2024-00-00', or, under ALLOW_INVALID_DATES, a day the month does not
/// have. Debezium has no encoding for them: it emits null for a nullable column and the epoch for a NOT NULL one,
/// and <see cref="DebeziumColumnEncoder"/> does the same.
/// </summary>
public sealed class UnrepresentableDate
{
    public static UnrepresentableDate Value { get; } = new();

    private UnrepresentableDate() { }

    public override string ToString() => "a zero or invalid date";
}
