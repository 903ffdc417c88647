using Confluent.Kafka;
using Confluent.Kafka.Admin;
using Insights.Processors.Movies;
using Insights.Processors.Topology;

namespace Insights.Host.Bench;

/// <summary>
/// What a running application has done, read from the broker: committed offsets of its group, the lag on a topic,
/// and the collective update log (each update's identity shows whether a ticket was counted more than once).
/// </summary>
internal sealed class ApplicationProgress(string bootstrap, string applicationId, int partitions) : IDisposable
{
    private readonly IAdminClient admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = bootstrap }).Build();
    private readonly IConsumer<byte[], byte[]> probe = new ConsumerBuilder<byte[], byte[]>(new ConsumerConfig
    {
        BootstrapServers = bootstrap, GroupId = $"insights-bench-probe-{Guid.NewGuid():N}", EnableAutoCommit = false,
    }).Build();

    /// <summary>The group's committed offsets on every partition of the topic (0 where nothing is committed yet).</summary>
    public async Task<long[]> CommittedAsync(string topic)
    {
        var wanted = Enumerable.Range(0, partitions).Select(p => new TopicPartition(topic, p)).ToList();
        var result = await admin.ListConsumerGroupOffsetsAsync([new ConsumerGroupTopicPartitions(applicationId, wanted)]);
        return result.Single().Partitions.OrderBy(p => p.Partition.Value).Select(p => Math.Max(0, p.Offset.Value)).ToArray();
    }

    public long[] Ends(string topic) =>
        Enumerable.Range(0, partitions).Select(p => probe.QueryWatermarkOffsets(new TopicPartition(topic, p), TimeSpan.FromSeconds(10)).High.Value).ToArray();

    public async Task<long> LagAsync(string topic)
    {
        var committed = await CommittedAsync(topic);
        return Ends(topic).Zip(committed).Sum(p => p.First - p.Second);
    }

    public Task<long> RepartitionLagAsync() => LagAsync(ProcessorTopics.RepartitionTopic(applicationId));

    /// <summary>Every record of the collective update log, decoded.</summary>
    public List<CoAttendanceUpdate> CollectiveUpdates()
    {
        using var consumer = new ConsumerBuilder<byte[], byte[]>(new ConsumerConfig
        {
            BootstrapServers = bootstrap, GroupId = $"insights-bench-collective-{Guid.NewGuid():N}", EnableAutoCommit = false,
        }).Build();
        var updates = new List<CoAttendanceUpdate>();
        for (var p = 0; p < partitions; p++)
        {
            var partition = new TopicPartition(ProcessorTopics.CollectiveUpdates, p);
            var end = consumer.QueryWatermarkOffsets(partition, TimeSpan.FromSeconds(10)).High.Value;
            if (end == 0) continue;
            consumer.Assign(new TopicPartitionOffset(partition, Offset.Beginning));
            while (consumer.Consume(TimeSpan.FromSeconds(10)) is { } record)
            {
                updates.Add(CoAttendanceUpdate.Decode(record.Message.Value));
                if (record.Offset.Value >= end - 1) break;
            }
        }
        return updates;
    }

    public void Dispose()
    {
        admin.Dispose();
        probe.Dispose();
    }
}
