namespace Insights.Contracts.Debezium;

/// <summary>
/// One column of a row image, already in its Debezium encoding: Value is null, a long, a double, a bool or
/// a string (see <see cref="DebeziumEncoding"/>).
/// </summary>
public readonly record struct ColumnValue(string Name, object? Value);
