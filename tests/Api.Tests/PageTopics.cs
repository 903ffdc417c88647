using Confluent.Kafka;
using Insights.Contracts.Cinema;
using Insights.Contracts.Configuration;
using Insights.Contracts.Topics;
using Insights.Fixtures.Kafka;
using Insights.Sinks;
using Insights.Sinks.Tests.Kafka;

namespace Insights.Api.Tests;

/// <summary>A broker with the two topics the API follows: the scores topic (4 partitions) and the movies CDC topic (1 partition).</summary>
public sealed class PageTopics() : KafkaBroker(new TopicManifest([
    new TopicSpec(TopicNames.Scores, 4, CleanupPolicy.Compact),
    new TopicSpec(CinemaTables.Topic(CinemaTables.Movies), 1, CleanupPolicy.Compact)]))
{
    public KafkaSettings Settings => new() { BootstrapServers = BootstrapServers };

    public Task ProduceScoresAsync(IEnumerable<ScoreChange> changes) => new ScoreTopicsProducer(Settings).ProduceAsync(changes);

    public async Task ProduceMoviesAsync(IEnumerable<(byte[] Key, byte[]? Value)> records)
    {
        using var producer = new ProducerBuilder<byte[], byte[]?>(Settings.ApplyTo(new ProducerConfig { Acks = Acks.All }))
            .SetLogHandler((_, _) => { }).Build();
        foreach (var (key, value) in records)
            await producer.ProduceAsync(CinemaTables.Topic(CinemaTables.Movies), new Message<byte[], byte[]?> { Key = key, Value = value });
    }
}
