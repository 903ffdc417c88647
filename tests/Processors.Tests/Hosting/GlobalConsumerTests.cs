using Confluent.Kafka;
using Insights.Processors.Hosting;

namespace Insights.Processors.Tests.Hosting;

/// <summary>
/// The global thread's consumer drops the seek Streamiz makes right after assigning a partition, to the offset the
/// assignment already starts at: librdkafka refuses a seek that reaches the partition before its fetcher has started
/// ("Local: Erroneous state"), which failed a worker's start now and then. Every other seek goes through.
/// </summary>
public sealed class GlobalConsumerTests
{
    private static readonly TopicPartition Partition = new("cdc.cinema.movies", 0);

    [Fact]
    public void A_seek_to_where_the_assignment_starts_is_dropped()
    {
        var (consumer, seeks) = Build();
        using var _ = consumer;
        consumer.Assign([new TopicPartitionOffset(Partition, 5)]);

        consumer.Seek(new TopicPartitionOffset(Partition, 5));

        Assert.Empty(seeks);
        Assert.Equal([Partition], consumer.Assignment);
    }

    [Fact]
    public void A_seek_elsewhere_goes_through()
    {
        var (consumer, seeks) = Build();
        using var _ = consumer;
        consumer.Assign([new TopicPartitionOffset(Partition, 5)]);

        consumer.Seek(new TopicPartitionOffset(Partition, 7));

        Assert.Equal([new TopicPartitionOffset(Partition, 7)], seeks);
    }

    [Fact]
    public void Once_the_consumer_has_polled_every_seek_goes_through()
    {
        var (consumer, seeks) = Build();
        using var _ = consumer;
        consumer.Assign([new TopicPartitionOffset(Partition, 5)]);
        consumer.Consume(TimeSpan.Zero);

        consumer.Seek(new TopicPartitionOffset(Partition, 5));

        Assert.Equal([new TopicPartitionOffset(Partition, 5)], seeks);
    }

    private static (GlobalConsumer Consumer, List<TopicPartitionOffset> Seeks) Build()
    {
        var raw = new ConsumerBuilder<byte[], byte[]>(new ConsumerConfig
        {
            // Nothing listens here; these tests only need a consumer's assignment.
            BootstrapServers = "127.0.0.1:1", GroupId = "global-consumer-test", EnableAutoCommit = false,
        }).SetLogHandler((_, _) => { }).Build();
        var seeks = new List<TopicPartitionOffset>();
        return (new GlobalConsumer(new SeekLog(raw, seeks)), seeks);
    }

    /// <summary>The consumer librdkafka would see: records the seeks that reach it (a seek before the fetcher starts is librdkafka's to refuse).</summary>
    private sealed class SeekLog(IConsumer<byte[], byte[]> inner, List<TopicPartitionOffset> seeks) : DelegatingConsumer(inner)
    {
        public override void Seek(TopicPartitionOffset tpo) => seeks.Add(tpo);
    }
}
