using Confluent.Kafka;
using Insights.Contracts.Topics;

namespace Insights.Sinks.Kafka;

/// <summary>
/// A record of the scores topic the sink cannot write (not a valid score record, or a document Elasticsearch
/// refuses) goes to <see cref="TopicNames.DeadLetter"/> with its original key, value and headers, plus headers
/// naming the reason and where it was read (<see cref="DeadLetterHeaders"/>, stage `sink`), so the sink commits
/// past it and keeps going, and nothing is lost.
/// </summary>
public sealed class ScoreDeadLetters(IProducer<byte[]?, byte[]?> producer)
{
    public const string Stage = "sink";

    /// <summary>Sends one record and returns once the broker acknowledged it (acks=all); a failed send throws, so nothing is committed past it.</summary>
    public Task SendAsync(byte[]? key, byte[]? value, Headers? original, TopicPartitionOffset where, Exception error, CancellationToken ct)
    {
        // The original headers first, ours after: a reader taking the last value of a header name gets ours.
        var headers = new Headers();
        foreach (var header in original ?? []) headers.Add(header.Key, header.GetValueBytes());
        foreach (var header in DeadLetterHeaders.For(error, Stage, where.Topic, where.Partition.Value, where.Offset.Value))
            headers.Add(header.Key, header.GetValueBytes());
        return producer.ProduceAsync(TopicNames.DeadLetter, new Message<byte[]?, byte[]?> { Key = key, Value = value, Headers = headers }, ct);
    }

    /// <summary>The producer dead letters need: every write acknowledged by all replicas, no duplicates from its own retries.</summary>
    public static ProducerConfig ProducerConfig() => new()
    {
        Acks = Acks.All,
        EnableIdempotence = true,
        AllowAutoCreateTopics = false,
    };
}
