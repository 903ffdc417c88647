using System.Buffers;
using System.Text.Json;

namespace Insights.Contracts.Debezium;

/// <summary>
/// Writes keys and values exactly as Debezium's JSON converter does with <c>schemas.enable=false</c>:
/// every envelope and source field present (null where Debezium writes null), in Debezium's field order.
/// </summary>
public static class ChangeEventWriter
{
    private static readonly JsonWriterOptions Options = new() { Indented = false, SkipValidation = true };

    public static byte[] Key(IReadOnlyList<ColumnValue> keyColumns)
    {
        var buffer = new ArrayBufferWriter<byte>(64);
        using (var writer = new Utf8JsonWriter(buffer, Options)) WriteRow(writer, keyColumns);
        return buffer.WrittenSpan.ToArray();
    }

    public static byte[] Value(ChangeOperation op, IReadOnlyList<ColumnValue>? before, IReadOnlyList<ColumnValue>? after,
        SourceInfo source, long tsUs)
    {
        var buffer = new ArrayBufferWriter<byte>(512);
        using (var writer = new Utf8JsonWriter(buffer, Options))
        {
            writer.WriteStartObject();
            writer.WritePropertyName("before");
            if (before is null) writer.WriteNullValue(); else WriteRow(writer, before);
            writer.WritePropertyName("after");
            if (after is null) writer.WriteNullValue(); else WriteRow(writer, after);
            writer.WritePropertyName("source");
            WriteSource(writer, source);
            writer.WriteNull("transaction");
            writer.WriteString("op", op.Code());
            writer.WriteNumber("ts_ms", tsUs / 1000);
            writer.WriteNumber("ts_us", tsUs);
            writer.WriteNumber("ts_ns", tsUs * 1000);
            writer.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }

    private static void WriteSource(Utf8JsonWriter writer, SourceInfo s)
    {
        writer.WriteStartObject();
        writer.WriteString("version", s.Version);
        writer.WriteString("connector", s.Connector);
        writer.WriteString("name", s.Name);
        writer.WriteNumber("ts_ms", s.TsMs);
        WriteNullable(writer, "snapshot", s.Snapshot);
        writer.WriteString("db", s.Db);
        WriteNullable(writer, "sequence", s.Sequence);
        WriteNullable(writer, "ts_us", s.TsUs);
        WriteNullable(writer, "ts_ns", s.TsNs);
        WriteNullable(writer, "table", s.Table);
        writer.WriteNumber("server_id", s.ServerId);
        WriteNullable(writer, "gtid", s.Gtid);
        writer.WriteString("file", s.File);
        writer.WriteNumber("pos", s.Pos);
        writer.WriteNumber("row", s.Row);
        WriteNullable(writer, "thread", s.Thread);
        WriteNullable(writer, "query", s.Query);
        writer.WriteEndObject();
    }

    private static void WriteRow(Utf8JsonWriter writer, IReadOnlyList<ColumnValue> columns)
    {
        writer.WriteStartObject();
        foreach (var column in columns)
        {
            writer.WritePropertyName(column.Name);
            switch (column.Value)
            {
                case null: writer.WriteNullValue(); break;
                case long l: writer.WriteNumberValue(l); break;
                case int i: writer.WriteNumberValue(i); break;
                case double d: writer.WriteNumberValue(d); break;
                case float f: writer.WriteNumberValue(f); break;
                case bool b: writer.WriteBooleanValue(b); break;
                case string text: writer.WriteStringValue(text); break;
                case IReadOnlyList<ColumnValue> fields: WriteRow(writer, fields); break;
                default: throw new ArgumentException($"column {column.Name}: {column.Value.GetType().Name} is not a Debezium JSON value");
            }
        }
        writer.WriteEndObject();
    }

    private static void WriteNullable(Utf8JsonWriter writer, string name, string? value)
    {
        if (value is null) writer.WriteNull(name); else writer.WriteString(name, value);
    }

    private static void WriteNullable(Utf8JsonWriter writer, string name, long? value)
    {
        if (value is null) writer.WriteNull(name); else writer.WriteNumber(name, value.Value);
    }
}
