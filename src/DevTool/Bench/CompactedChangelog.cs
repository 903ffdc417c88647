using Confluent.Kafka;
using Insights.Contracts;
using Insights.TestSupport;

namespace Insights.DevTool.Bench;

/// <summary>
/// What Kafka's log cleaner leaves of a compacted topic, which the local mock broker never produces: per partition, the
/// newest record of each key, in offset order, tombstones included (the cleaner keeps them for `delete.retention.ms`, a
/// day by default). The bench copies a changelog this way into another application's changelog to time a restore
/// against what a compacting broker holds. Kafka never compacts a partition's active segment, so on a real broker a
/// restore also reads the records written since the last segment roll: this is the bound compaction tends to.
/// </summary>
public static class CompactedChangelog
{
    /// <summary>The records compaction keeps of one partition's records, given in offset order.</summary>
    public static List<Message<byte[], byte[]>> Compact(IReadOnlyList<Message<byte[], byte[]>> partition)
    {
        var newest = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < partition.Count; i++)
            newest[Convert.ToBase64String(partition[i].Key ?? throw new InvalidOperationException("a changelog record without a key"))] = i;
        return newest.Values.Order().Select(i => partition[i]).ToList();
    }

    /// <summary>Copies the compacted records of every partition of <paramref name="from"/> to the same partition of <paramref name="to"/>; returns how many records were read and written.</summary>
    public static (long Read, long Written) Copy(string bootstrap, IProducer<byte[], byte[]> producer, string from, string to, int partitions)
    {
        var records = Enumerable.Range(0, partitions).Select(_ => new List<Message<byte[], byte[]>>()).ToArray();
        TopicHistory.Read(bootstrap, from, partitions, (p, record) => records[p].Add(record.Message));
        long written = 0;
        string? failure = null;
        for (var p = 0; p < partitions; p++)
            foreach (var message in Compact(records[p]))
            {
                producer.Produce(new TopicPartition(to, p), new Message<byte[], byte[]> { Key = message.Key, Value = message.Value, Headers = message.Headers },
                    report => { if (report.Error.IsError) failure ??= $"copying {from} to {to}: {report.Error.Reason}"; });
                written++;
            }
        if (producer.Flush(TimeSpan.FromMinutes(2)) > 0) failure ??= $"copying {from} to {to}: records still unsent after 2 minutes";
        if (failure is not null) throw new CommandLineError($"bench processors --broker: {failure}");
        return (records.Sum(r => (long)r.Count), written);
    }
}
