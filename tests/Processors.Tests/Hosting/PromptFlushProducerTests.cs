using Confluent.Kafka;
using Insights.Contracts.Topics;
using Insights.Fixtures.Kafka;
using Insights.Processors.Hosting;

namespace Insights.Processors.Tests.Hosting;

public sealed class FlushTopic() : KafkaBroker(new TopicManifest([new TopicSpec(PromptFlushProducerTests.Topic, 4, CleanupPolicy.Delete)]));

/// <summary>
/// The worker's producer flush: it returns only once every record produced before it has its delivery report (what a
/// commit relies on before it stores offsets), and a flush that times out says how many are still waiting.
/// </summary>
public sealed class PromptFlushProducerTests(FlushTopic broker) : IClassFixture<FlushTopic>
{
    public const string Topic = "flush-test";

    [Fact]
    public void A_flush_returns_after_every_earlier_record_is_delivered()
    {
        using var producer = new PromptFlushProducer(new ProducerBuilder<byte[], byte[]>(new ProducerConfig
        {
            BootstrapServers = broker.BootstrapServers, Acks = Acks.All, LingerMs = 0, AllowAutoCreateTopics = false,
        }).Build());
        for (var round = 0; round < 5; round++)
        {
            var reports = new List<DeliveryReport<byte[], byte[]>>();
            for (var i = 0; i < 200; i++)
                producer.Produce(Topic, new Message<byte[], byte[]> { Key = [(byte)i], Value = [(byte)round] }, report => { lock (reports) reports.Add(report); });

            Assert.Equal(0, producer.Flush(TimeSpan.FromSeconds(30)));

            lock (reports)
            {
                Assert.Equal(200, reports.Count);
                Assert.All(reports, r => Assert.Equal(PersistenceStatus.Persisted, r.Status));
            }
        }
    }

    [Fact]
    public void A_produce_into_a_full_local_queue_waits_for_room_instead_of_failing()
    {
        // A queue of 50 records and 2,000 produced at once: without waiting, the 51st would fail with Local_QueueFull.
        using var producer = new PromptFlushProducer(new ProducerBuilder<byte[], byte[]>(new ProducerConfig
        {
            BootstrapServers = broker.BootstrapServers, Acks = Acks.All, LingerMs = 5, AllowAutoCreateTopics = false, QueueBufferingMaxMessages = 50,
        }).Build());
        var persisted = 0;

        for (var i = 0; i < 2_000; i++)
            producer.Produce(Topic, new Message<byte[], byte[]> { Key = BitConverter.GetBytes(i), Value = [1] },
                report => { if (report.Status == PersistenceStatus.Persisted) Interlocked.Increment(ref persisted); });

        Assert.Equal(0, producer.Flush(TimeSpan.FromSeconds(30)));
        Assert.Equal(2_000, persisted);
    }

    [Fact]
    public void A_flush_that_times_out_counts_the_records_still_waiting_and_a_later_report_ends_the_wait()
    {
        // No broker listens here: the records wait in the producer until their message timeout fails them.
        using var producer = new PromptFlushProducer(new ProducerBuilder<byte[], byte[]>(new ProducerConfig
        {
            BootstrapServers = "127.0.0.1:1", MessageTimeoutMs = 2_000, SocketConnectionSetupTimeoutMs = 1_000,
        }).SetLogHandler((_, _) => { }).Build());
        var failed = 0;
        for (var i = 0; i < 3; i++)
            producer.Produce(Topic, new Message<byte[], byte[]> { Value = [1] }, report => { if (report.Error.IsError) Interlocked.Increment(ref failed); });

        Assert.Equal(3, producer.Flush(TimeSpan.FromMilliseconds(200)));

        Assert.Equal(0, producer.Flush(TimeSpan.FromSeconds(30)));
        Assert.Equal(3, failed);
    }
}
