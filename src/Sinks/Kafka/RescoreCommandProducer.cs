using Confluent.Kafka;
using Insights.Contracts.Commands;
using Insights.Contracts.Configuration;
using Insights.Contracts.Topics;

namespace Insights.Sinks.Kafka;

/// <summary>
/// Asks the workers to send every member's current scores again (after a snapshot restore put older ones in the sinks):
/// one <see cref="RescoreCommand"/> on the commands topic, acknowledged by every replica. Workers that are down honour it
/// when they start.
/// </summary>
public static class RescoreCommandProducer
{
    // A missing commands topic (a deployment created before it existed) fails here instead of after librdkafka's 5 minutes.
    private const int DeliveryTimeoutMs = 30_000;

    public static async Task<TopicPartitionOffset> SendAsync(KafkaSettings kafka, RescoreCommand command, CancellationToken ct)
    {
        var config = kafka.ApplyTo(new ProducerConfig
        {
            Acks = Acks.All, EnableIdempotence = true, AllowAutoCreateTopics = false, MessageTimeoutMs = DeliveryTimeoutMs,
        });
        using var producer = new ProducerBuilder<string, byte[]>(config).SetLogHandler((_, _) => { }).Build();
        var delivered = await producer.ProduceAsync(TopicNames.ProcessorCommands,
            new Message<string, byte[]> { Key = RescoreCommand.Key, Value = command.Encode() }, ct);
        return delivered.TopicPartitionOffset;
    }
}
