using Confluent.Kafka;
using Insights.Contracts.Topics;
using Insights.Fixtures;
using Insights.Fixtures.Kafka;
using Insights.TestSupport;

namespace Insights.Stack.Tests.Broker;

/// <summary>`--port`: a fixed loopback address proxied to the mock, used for bootstrap and every later request.</summary>
public sealed class FixedPortProxyTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private const string Topic = "proxy-test";
    private static readonly TopicManifest Topics = new([new TopicSpec(Topic, 2)]);

    [Fact]
    public async Task Client_bootstrapped_on_the_fixed_port_produces_and_consumes_every_record()
    {
        var port = LoopbackPort.Next();
        await using var broker = await BrokerProcess.StartAsync(Topics, port: port, ct: Ct);
        Assert.Equal($"127.0.0.1:{port}", broker.BootstrapServers);

        var sent = await BrokerTraffic.ProduceAsync(broker.BootstrapServers, Topic, 1000);
        var received = await BrokerTraffic.ConsumeAllAsync(broker.BootstrapServers, Topic, partitions: 2, expected: 1000);

        Assert.Equal(sent.Order(), received.Order());
    }

    [Fact]
    public async Task Metadata_advertises_the_fixed_port_so_no_client_talks_to_the_mock_directly()
    {
        var port = LoopbackPort.Next();
        await using var broker = await BrokerProcess.StartAsync(Topics, port: port, ct: Ct);

        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = broker.BootstrapServers }).Build();
        var advertised = admin.GetMetadata(TimeSpan.FromSeconds(10)).Brokers.Select(b => $"{b.Host}:{b.Port}");

        Assert.Equal([$"127.0.0.1:{port}"], advertised);
    }
}
