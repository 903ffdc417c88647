using Insights.Capture.Schema;
using Insights.Capture.Sinks;
using Insights.Contracts.Debezium;

namespace Insights.Capture;

/// <summary>
/// Builds the Kafka records for one row change exactly as Debezium does: key = primary-key columns, or the
/// columns <see cref="MessageKeyColumns"/> names for the table, or no key (null) for a table without a primary key;
/// value = envelope; a delete is followed by a tombstone with the same key; an update that changes the key becomes
/// a delete (+ tombstone) of the old key and a create of the new one.
/// </summary>
public sealed class ChangeEventFactory(string topicPrefix, DebeziumColumnEncoder encoder, TimeProvider clock, MessageKeyColumns messageKeys)
{
    /// <summary>The Debezium release whose MariaDB envelope this capture reproduces.</summary>
    public const string DebeziumVersion = "3.0.8.Final";
    public const string Connector = "mariadb";

    public string Topic(TableDefinition table) => $"{topicPrefix}.{table.Database}.{table.Table}";

    public void Add(List<CapturedEvent> into, TableDefinition table, ChangeOperation op, object?[]? before, object?[]? after, SourceInfo source)
    {
        var topic = Topic(table);
        var beforeImage = before is null ? null : Encode(table, before);
        var afterImage = after is null ? null : Encode(table, after);
        var tsUs = clock.GetUtcNow().ToUnixTimeMilliseconds() * 1000;
        var oldKey = beforeImage is null ? null : Key(table, beforeImage);
        var newKey = afterImage is null ? null : Key(table, afterImage);
        if (op == ChangeOperation.Update && !oldKey.AsSpan().SequenceEqual(newKey))
        {
            into.Add(new CapturedEvent(topic, oldKey, ChangeEventWriter.Value(ChangeOperation.Delete, beforeImage, null, source, tsUs)));
            into.Add(new CapturedEvent(topic, oldKey, null));
            into.Add(new CapturedEvent(topic, newKey, ChangeEventWriter.Value(ChangeOperation.Create, null, afterImage, source, tsUs)));
            return;
        }
        into.Add(new CapturedEvent(topic, afterImage is null ? oldKey : newKey, ChangeEventWriter.Value(op, beforeImage, afterImage, source, tsUs)));
        if (op == ChangeOperation.Delete) into.Add(new CapturedEvent(topic, oldKey, null));
    }

    private ColumnValue[] Encode(TableDefinition table, object?[] values)
    {
        var columns = new ColumnValue[table.Columns.Count];
        for (var i = 0; i < columns.Length; i++)
            columns[i] = new ColumnValue(table.Columns[i].Name, encoder.Encode(table.Columns[i], values[i]));
        return columns;
    }

    // Debezium keys a table without a primary key (and not named in message.key.columns) with a null key: its
    // events spread over the partitions, and a delete's tombstone carries no key either.
    private byte[]? Key(TableDefinition table, ColumnValue[] image)
    {
        var keys = messageKeys.KeyIndexes(table).Select(i => image[i]).ToList();
        return keys.Count == 0 ? null : ChangeEventWriter.Key(keys);
    }
}
