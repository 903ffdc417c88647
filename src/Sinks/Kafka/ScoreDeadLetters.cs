using Confluent.Kafka;
using Insights.Contracts.Topics;

namespace Insights.Sinks.Kafka;

/// <summary>
/// A record of the scores topic the sink cannot read (not JSON, an unknown schema, key and member disagreeing)
/// goes to <see cref="TopicNames.DeadLetter"/> with its original key and value, and headers naming the reason and
/// where it was read (<see cref="DeadLetterHeaders"/>, stage `sink`), so the sink commits past it and keeps going,
/// and nothing is lost.
/// </summary>
public sealed class ScoreDeadLetters(IProducer<byte[]?, byte[]?> producer)
{
    public const string Stage = "sink";

    /// <summary>Sends one unreadable record and returns once the broker acknowledged it (acks=all).</summary>
    public Task SendAsync(byte[]? key, byte[]? value, TopicPartitionOffset where, Exception error, CancellationToken ct) =>
        producer.ProduceAsync(TopicNames.DeadLetter, new Message<byte[]?, byte[]?>
        {
            Key = key,
            Value = value,
            Headers = DeadLetterHeaders.For(error, Stage, where.Topic, where.Partition.Value, where.Offset.Value),
        }, ct);

    /// <summary>The producer dead letters need: every write acknowledged by all replicas, no duplicates from its own retries.</summary>
    public static ProducerConfig ProducerConfig() => new()
    {
        Acks = Acks.All,
        EnableIdempotence = true,
        AllowAutoCreateTopics = false,
    };
}
