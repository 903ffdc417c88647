using Confluent.Kafka;

namespace Insights.TestSupport;

/// <summary>
/// Reads every record of a topic's partitions from their start to their end offset at the time of the read, in offset
/// order per partition, under a group of its own that commits nothing (the local broker neither compacts nor purges).
/// </summary>
public static class TopicHistory
{
    public static void Read(string bootstrap, string topic, int partitions, Action<int, ConsumeResult<byte[], byte[]>> record)
    {
        using var consumer = new ConsumerBuilder<byte[], byte[]>(new ConsumerConfig
        {
            BootstrapServers = bootstrap, GroupId = $"insights-bench-history-{Guid.NewGuid():N}", EnableAutoCommit = false,
        }).Build();
        for (var p = 0; p < partitions; p++)
        {
            var partition = new TopicPartition(topic, p);
            var end = consumer.QueryWatermarkOffsets(partition, TimeSpan.FromSeconds(10)).High.Value;
            if (end == 0) continue;
            consumer.Assign(new TopicPartitionOffset(partition, Offset.Beginning));
            while (consumer.Consume(TimeSpan.FromSeconds(10)) is { } next)
            {
                record(p, next);
                if (next.Offset.Value >= end - 1) break;
            }
        }
    }
}
