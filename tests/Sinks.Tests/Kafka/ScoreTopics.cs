using Confluent.Kafka;
using Insights.Contracts.Configuration;
using Insights.Contracts.Topics;
using Insights.Fixtures.Kafka;
using Insights.Sinks.Kafka;

namespace Insights.Sinks.Tests.Kafka;

/// <summary>
/// A broker holding the scores topic (4 partitions), the dead-letter topic, and a probe topic partitioned like the
/// scores topic, where tests write keys the way the workers' Streamiz producer does to see which partition it picks.
/// </summary>
public sealed class ScoreTopics() : KafkaBroker(new TopicManifest([
    new TopicSpec(TopicNames.Scores, 4, CleanupPolicy.Compact),
    new TopicSpec(TopicNames.DeadLetter, 1, CleanupPolicy.Delete),
    new TopicSpec(ScoreTopics.PartitionProbe, 4, CleanupPolicy.Delete),
]))
{
    public const string PartitionProbe = "insights.test.partition-probe";

    public KafkaSettings Settings => new() { BootstrapServers = BootstrapServers };

    public Task ProduceAsync(IEnumerable<ScoreChange> changes) => new ScoreTopicsProducer(Settings).ProduceAsync(changes);

    /// <summary>Produces records as given (any bytes), returning where each one landed, in order.</summary>
    public async Task<IReadOnlyList<TopicPartitionOffset>> ProduceRawAsync(string topic, IEnumerable<(byte[]? Key, byte[]? Value)> records,
        ProducerConfig? config = null)
    {
        using var producer = new ProducerBuilder<byte[]?, byte[]?>(Settings.ApplyTo(config ?? ScoreTopicProducer.Config()))
            .SetLogHandler((_, _) => { }).Build();
        var deliveries = records.Select(r => producer.ProduceAsync(topic, new Message<byte[]?, byte[]?> { Key = r.Key, Value = r.Value })).ToList();
        return (await Task.WhenAll(deliveries)).Select(d => d.TopicPartitionOffset).ToList();
    }

    /// <summary>The offsets committed by a group on every partition (-1001 = none).</summary>
    public IReadOnlyList<long> Committed(string group)
    {
        using var consumer = new ConsumerBuilder<Ignore, Ignore>(Settings.ApplyTo(new ConsumerConfig { GroupId = group, EnableAutoCommit = false }))
            .SetLogHandler((_, _) => { }).Build();
        return consumer.Committed(Enumerable.Range(0, 4).Select(p => new TopicPartition(TopicNames.Scores, p)), TimeSpan.FromSeconds(10))
            .OrderBy(o => o.Partition.Value).Select(o => o.Offset.Value).ToList();
    }

    public IReadOnlyList<long> HighWatermarks()
    {
        using var consumer = new ConsumerBuilder<Ignore, Ignore>(Settings.ApplyTo(new ConsumerConfig { GroupId = "watermarks" }))
            .SetLogHandler((_, _) => { }).Build();
        return Enumerable.Range(0, 4)
            .Select(p => consumer.QueryWatermarkOffsets(new TopicPartition(TopicNames.Scores, p), TimeSpan.FromSeconds(10)).High.Value).ToList();
    }
}

/// <summary>Produces score changes to the scores topic the way the processors do: key = member id, tombstone = null value.</summary>
public sealed class ScoreTopicsProducer(KafkaSettings settings)
{
    public async Task ProduceAsync(IEnumerable<ScoreChange> changes)
    {
        var config = ScoreTopicProducer.Config();
        config.LingerMs = 5;
        using var producer = new ProducerBuilder<string, byte[]?>(settings.ApplyTo(config))
            .SetLogHandler((_, _) => { }).Build();
        var deliveries = changes.Select(c => producer.ProduceAsync(TopicNames.Scores, new Message<string, byte[]?>
        {
            Key = ScoreRecords.Key(c.MemberId),
            Value = c.Update is { } u ? ScoreRecords.Value(u) : null,
        })).ToList();
        await Task.WhenAll(deliveries);
    }
}
