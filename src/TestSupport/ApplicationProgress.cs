using Confluent.Kafka;
using Confluent.Kafka.Admin;
using Insights.Processors.Movies;
using Insights.Processors.Topology;

namespace Insights.TestSupport;

/// <summary>
/// What a running application has done, read from the broker: committed offsets of its group, the lag on a topic,
/// and each movie's attendance count as the movie profiles state it (whether every ticket counted exactly once).
/// </summary>
public sealed class ApplicationProgress(string bootstrap, string applicationId, int partitions) : IDisposable
{
    private readonly IAdminClient admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = bootstrap }).Build();
    private readonly IConsumer<byte[], byte[]> probe = new ConsumerBuilder<byte[], byte[]>(new ConsumerConfig
    {
        BootstrapServers = bootstrap, GroupId = $"insights-bench-probe-{Guid.NewGuid():N}", EnableAutoCommit = false,
    }).Build();

    /// <summary>The group's committed offsets on every partition of the topic (0 where nothing is committed yet); <paramref name="partitionCount"/> for a topic not partitioned like the application.</summary>
    public async Task<long[]> CommittedAsync(string topic, int? partitionCount = null)
    {
        var wanted = Enumerable.Range(0, partitionCount ?? partitions).Select(p => new TopicPartition(topic, p)).ToList();
        var result = await admin.ListConsumerGroupOffsetsAsync([new ConsumerGroupTopicPartitions(applicationId, wanted)]);
        return result.Single().Partitions.OrderBy(p => p.Partition.Value).Select(p => Math.Max(0, p.Offset.Value)).ToArray();
    }

    /// <summary>The end offset of every partition of the topic; <paramref name="partitionCount"/> for a topic not partitioned like the application.</summary>
    public long[] Ends(string topic, int? partitionCount = null) =>
        Enumerable.Range(0, partitionCount ?? partitions).Select(p => probe.QueryWatermarkOffsets(new TopicPartition(topic, p), TimeSpan.FromSeconds(10)).High.Value).ToArray();

    public async Task<long> LagAsync(string topic)
    {
        var committed = await CommittedAsync(topic);
        return Ends(topic).Zip(committed).Sum(p => p.First - p.Second);
    }

    /// <summary>Records on the application's repartition topics (member events, collective deltas) it has not committed yet.</summary>
    public async Task<long> RepartitionLagAsync() =>
        await LagAsync(ProcessorTopics.RepartitionTopic(applicationId))
        + await LagAsync(ProcessorTopics.RepartitionTopic(applicationId, ProcessorTopics.CollectiveDeltasRepartition));

    /// <summary>
    /// Whether the application has committed everything on <paramref name="topic"/> and on its repartition topics: every
    /// record read is processed and will not be read again after a restart. An application without repartition
    /// topics of its own (the count baseline) has no lag on them.
    /// </summary>
    public async Task<bool> CaughtUpAsync(string topic) => await LagAsync(topic) == 0 && await RepartitionLagAsync() == 0;

    /// <summary>
    /// Each movie's attendance count as the newest profile on the movie profiles topic states it: once the movie
    /// tasks settled, equal to the tickets held per movie when every ticket counted exactly once.
    /// </summary>
    public Dictionary<int, float> ProfileCounts() => ProfileCounts(bootstrap, partitions);

    public static Dictionary<int, float> ProfileCounts(string bootstrap, int partitions)
    {
        var counts = new Dictionary<int, float>();
        // The local broker does not compact: the last profile of a movie is its current one.
        TopicHistory.Read(bootstrap, ProcessorTopics.MovieProfiles, partitions, (_, record) =>
        {
            var profile = MovieProfileCodec.Decode(record.Message.Value).Profile;
            counts[profile.MovieId] = profile.Count;
        });
        return counts;
    }

    public void Dispose()
    {
        admin.Dispose();
        probe.Dispose();
    }
}
