using Confluent.Kafka;
using Insights.Contracts.Topics;
using Insights.Fixtures;
using Insights.Fixtures.Kafka;
using Insights.TestSupport;

namespace Insights.Stack.Tests.Broker;

/// <summary>
/// Killing the broker process and starting it again gives a working broker: a new mock cluster with the
/// manifest's topics, empty, because the mock keeps everything in memory (records, offsets, groups).
/// </summary>
public sealed class BrokerRestartTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private const string Topic = "restart-test";
    private static readonly TopicManifest Topics = new([new TopicSpec(Topic, 2)]);

    [Fact]
    public async Task Killed_broker_started_again_on_its_fixed_port_serves_a_new_empty_cluster()
    {
        var port = LoopbackPort.Next();
        var first = await BrokerProcess.StartAsync(Topics, port: port, ct: Ct);
        await BrokerTraffic.ProduceAsync(first.BootstrapServers, Topic, 100);
        await first.KillAsync();

        await using var second = await BrokerProcess.StartAsync(Topics, port: port, folder: first.Folder, ct: Ct);
        await using var _ = first;

        Assert.Equal(first.BootstrapServers, second.BootstrapServers);
        Assert.Equal(0, HighWatermarkSum(second.BootstrapServers)); // records lived in the killed process only
        var sent = await BrokerTraffic.ProduceAsync(second.BootstrapServers, Topic, 50);
        var received = await BrokerTraffic.ConsumeAllAsync(second.BootstrapServers, Topic, partitions: 2, expected: 50);
        Assert.Equal(sent.Order(), received.Order());
    }

    [Fact]
    public async Task Producer_keeps_working_across_a_broker_restart_on_the_fixed_port()
    {
        var port = LoopbackPort.Next();
        var first = await BrokerProcess.StartAsync(Topics, port: port, ct: Ct);
        using var producer = new ProducerBuilder<string, string>(new ProducerConfig
        {
            BootstrapServers = first.BootstrapServers,
            AllowAutoCreateTopics = false,
            MessageTimeoutMs = 30000,
        }).Build();
        await producer.ProduceAsync(Topic, new Message<string, string> { Key = "a", Value = "before" }, Ct);
        await first.KillAsync();

        await using var second = await BrokerProcess.StartAsync(Topics, port: port, folder: first.Folder, ct: Ct);
        await using var _ = first;
        var delivered = await producer.ProduceAsync(Topic, new Message<string, string> { Key = "a", Value = "after" }, Ct);

        Assert.Equal(PersistenceStatus.Persisted, delivered.Status);
        var received = await BrokerTraffic.ConsumeAllAsync(second.BootstrapServers, Topic, partitions: 2, expected: 1);
        Assert.Equal(["after"], received);
    }

    private static long HighWatermarkSum(string bootstrap)
    {
        using var consumer = new ConsumerBuilder<Ignore, Ignore>(new ConsumerConfig { BootstrapServers = bootstrap, GroupId = "restart-probe" }).Build();
        return Enumerable.Range(0, 2).Sum(p => consumer.QueryWatermarkOffsets(new TopicPartition(Topic, p), TimeSpan.FromSeconds(10)).High.Value);
    }
}
