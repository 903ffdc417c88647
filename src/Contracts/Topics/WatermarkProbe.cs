using Confluent.Kafka;
using Confluent.Kafka.Admin;

namespace Insights.Contracts.Topics;

/// <summary>
/// Reads every partition's low and high watermark from a broker (mock or real) through an ordinary Kafka
/// client, and compares the topics with a manifest. The local broker (stack/broker: its host and `insights-broker
/// check`) and the test fixtures all use this one probe.
/// </summary>
public sealed class WatermarkProbe : IDisposable
{
    private readonly IConsumer<Ignore, Ignore> consumer;
    private readonly IAdminClient admin;

    public WatermarkProbe(string bootstrapServers)
    {
        consumer = new ConsumerBuilder<Ignore, Ignore>(new ConsumerConfig
        {
            BootstrapServers = bootstrapServers,
            GroupId = "insights-broker-watermarks", // never joins: it only asks for offsets and metadata
            AllowAutoCreateTopics = false,
            ClientId = "insights-broker-watermarks",
        }).SetLogHandler((_, _) => { }).Build();
        admin = new DependentAdminClientBuilder(consumer.Handle).Build();
    }

    /// <summary>
    /// Watermarks of every topic on the broker (internal `__` topics aside), checked against the manifest.
    /// Throws KafkaException when the broker does not answer within the timeout.
    /// </summary>
    public WatermarkReport Read(TopicManifest manifest, TimeSpan timeout)
    {
        var metadata = admin.GetMetadata(timeout);
        var partitions = new List<PartitionWatermark>();
        var actualCounts = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var topic in metadata.Topics.Where(t => !t.Topic.StartsWith("__", StringComparison.Ordinal)).OrderBy(t => t.Topic, StringComparer.Ordinal))
        {
            if (topic.Error.IsError) continue; // listed but unusable: counted as missing below if the manifest wants it
            actualCounts[topic.Topic] = topic.Partitions.Count;
            var watermarks = topic.Partitions.OrderBy(p => p.PartitionId)
                .Select(p => (p.PartitionId, Offsets: consumer.QueryWatermarkOffsets(new TopicPartition(topic.Topic, p.PartitionId), timeout))).ToList();
            // Committed offsets after the watermarks: a group commits before it purges, so a purge seen is always covered.
            var purgedBy = manifest.Topics.FirstOrDefault(t => t.Name == topic.Topic)?.PurgedBy;
            var consumed = purgedBy is null ? null : Committed(purgedBy, topic.Topic, topic.Partitions.Count, timeout);
            foreach (var (partition, offsets) in watermarks)
                partitions.Add(new PartitionWatermark(topic.Topic, partition, offsets.Low.Value, offsets.High.Value, consumed?.GetValueOrDefault(partition) ?? 0));
        }
        var missing = manifest.Topics.Where(t => !actualCounts.ContainsKey(t.Name)).Select(t => t.Name).ToList();
        var mismatches = manifest.Topics
            .Where(t => actualCounts.TryGetValue(t.Name, out var actual) && actual != t.Partitions)
            .Select(t => new PartitionCountMismatch(t.Name, t.Partitions, actualCounts[t.Name]))
            .ToList();
        return new WatermarkReport(DateTimeOffset.UtcNow, partitions, missing, mismatches);
    }

    /// <summary>The group's committed offset per partition of the topic; partitions it never committed are left out (0).</summary>
    private Dictionary<int, long> Committed(string group, string topic, int partitionCount, TimeSpan timeout)
    {
        var wanted = Enumerable.Range(0, partitionCount).Select(p => new TopicPartition(topic, p)).ToList();
        var result = admin.ListConsumerGroupOffsetsAsync([new ConsumerGroupTopicPartitions(group, wanted)],
            new ListConsumerGroupOffsetsOptions { RequestTimeout = timeout }).GetAwaiter().GetResult();
        return result.Single().Partitions.Where(p => p.Offset.Value > 0).ToDictionary(p => p.Partition.Value, p => p.Offset.Value);
    }

    public void Dispose()
    {
        admin.Dispose();
        consumer.Dispose();
    }
}
