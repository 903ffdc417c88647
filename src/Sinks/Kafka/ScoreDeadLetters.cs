using System.Globalization;
using System.Text;
using Confluent.Kafka;
using Insights.Contracts.Topics;

namespace Insights.Sinks.Kafka;

/// <summary>
/// A record of the scores topic the sink cannot read (not JSON, an unknown schema, key and member disagreeing)
/// goes to <see cref="TopicNames.DeadLetter"/> with its original key and value, and headers naming the reason and
/// where it was read, so the sink commits past it and keeps going, and nothing is lost. The headers are the
/// ones the processors' dead letters carry (Insights.Processors.DeadLetters.DeadLetter), stage `sink`.
/// </summary>
public sealed class ScoreDeadLetters(IProducer<byte[]?, byte[]?> producer)
{
    public const string ErrorHeader = "insights.error";
    public const string StageHeader = "insights.stage";
    public const string TopicHeader = "insights.source.topic";
    public const string PartitionHeader = "insights.source.partition";
    public const string OffsetHeader = "insights.source.offset";
    public const string Stage = "sink";

    /// <summary>Sends one unreadable record and returns once the broker acknowledged it (acks=all).</summary>
    public Task SendAsync(byte[]? key, byte[]? value, TopicPartitionOffset where, Exception error, CancellationToken ct) =>
        producer.ProduceAsync(TopicNames.DeadLetter, new Message<byte[]?, byte[]?>
        {
            Key = key,
            Value = value,
            Headers = new Headers
            {
                { ErrorHeader, Encoding.UTF8.GetBytes($"{error.GetType().Name}: {error.Message}") },
                { StageHeader, Encoding.UTF8.GetBytes(Stage) },
                { TopicHeader, Encoding.UTF8.GetBytes(where.Topic) },
                { PartitionHeader, Encoding.UTF8.GetBytes(where.Partition.Value.ToString(CultureInfo.InvariantCulture)) },
                { OffsetHeader, Encoding.UTF8.GetBytes(where.Offset.Value.ToString(CultureInfo.InvariantCulture)) },
            },
        }, ct);

    /// <summary>The producer dead letters need: every write acknowledged by all replicas, no duplicates from its own retries.</summary>
    public static ProducerConfig ProducerConfig() => new()
    {
        Acks = Acks.All,
        EnableIdempotence = true,
        AllowAutoCreateTopics = false,
    };
}
