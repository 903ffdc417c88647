namespace Insights.Contracts.Debezium;

/// <summary>
/// One column of a row image, already in its Debezium encoding: Value is null, a long, a double, a bool,
/// a string (see <see cref="DebeziumEncoding"/>) or, for Debezium's struct types (Geometry, Point), the
/// struct's fields as an <c>IReadOnlyList&lt;ColumnValue&gt;</c> written as a nested object.
/// </summary>
public readonly record struct ColumnValue(string Name, object? Value);
