using Confluent.Kafka;

namespace Insights.Sinks.Kafka;

/// <summary>
/// How anything but the processors writes the scores topic (snapshot restore): so each member lands on the
/// partition the workers put it on. The workers write scores through Streamiz 1.8.2, whose default stream
/// partitioner answers Partition.Any and whose producer runs librdkafka's `murmur2_random` (StreamConfig's
/// default partitioner): Java's default partitioner, toPositive(murmur2(key)) % partitions, over the key's
/// bytes, the member id in UTF-8 decimal. Confluent.Kafka's own default (`consistent_random`, CRC32) would
/// scatter members elsewhere, and a compacted topic keyed by member must keep each member on one partition.
/// </summary>
public static class ScoreTopicProducer
{
    public static ProducerConfig Config() => new()
    {
        Partitioner = Partitioner.Murmur2Random,
        Acks = Acks.All,
        EnableIdempotence = true,
        AllowAutoCreateTopics = false,
    };
}
