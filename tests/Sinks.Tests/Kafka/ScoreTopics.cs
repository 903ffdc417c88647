using Confluent.Kafka;
using Insights.Contracts.Configuration;
using Insights.Contracts.Topics;
using Insights.Fixtures.Kafka;
using Insights.Sinks.Kafka;

namespace Insights.Sinks.Tests.Kafka;

/// <summary>A broker holding the scores topic only, with 4 partitions.</summary>
public sealed class ScoreTopics() : KafkaBroker(new TopicManifest([new TopicSpec(TopicNames.Scores, 4, CleanupPolicy.Compact)]))
{
    public KafkaSettings Settings => new() { BootstrapServers = BootstrapServers };

    public Task ProduceAsync(IEnumerable<ScoreChange> changes) => new ScoreTopicsProducer(Settings).ProduceAsync(changes);

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
        using var producer = new ProducerBuilder<string, byte[]?>(settings.ApplyTo(new ProducerConfig { Acks = Acks.All, LingerMs = 5 }))
            .SetLogHandler((_, _) => { }).Build();
        var deliveries = changes.Select(c => producer.ProduceAsync(TopicNames.Scores, new Message<string, byte[]?>
        {
            Key = ScoreRecords.Key(c.MemberId),
            Value = c.Update is { } u ? ScoreRecords.Value(u) : null,
        })).ToList();
        await Task.WhenAll(deliveries);
    }
}
