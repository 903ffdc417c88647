using Confluent.Kafka;
using Insights.Capture.Sinks;
using Insights.Contracts.Configuration;

namespace Insights.Capture.Tests.Sinks;

/// <summary>The capture's producer: the configured security settings plus its own delivery guarantees.</summary>
public sealed class KafkaChangeEventSinkTests
{
    private static readonly KafkaSettings Secured = new()
    {
        BootstrapServers = "kafka-0.example:9093",
        SecurityProtocol = SecurityProtocol.SaslSsl,
        SaslMechanism = SaslMechanism.Plain,
        SaslUsername = "capture",
        SaslPassword = "sasl-password",
        SslCaLocation = "/etc/insights/kafka/ca.pem",
        SslCertificateLocation = "/etc/insights/kafka/client.pem",
        SslKeyLocation = "/etc/insights/kafka/client.key",
        SslKeyPassword = "key-passphrase",
        SslEndpointIdentificationAlgorithm = SslEndpointIdentificationAlgorithm.Https,
    };

    [Fact]
    public void The_producer_gets_every_security_setting_and_keeps_its_guarantees()
    {
        var config = KafkaChangeEventSink.ProducerConfig(Secured);

        var properties = config.ToDictionary(p => p.Key, p => p.Value);
        foreach (var (key, value) in Secured.ClientProperties()) Assert.Equal(value, properties[key]);
        Assert.True(config.EnableIdempotence);
        Assert.Equal(Acks.All, config.Acks);
        Assert.Equal(Partitioner.Murmur2Random, config.Partitioner);
    }

    [Fact]
    public void A_cluster_that_does_not_answer_fails_the_start_up_check_within_its_timeout()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop(); // a port that refuses connections
        using var sink = new KafkaChangeEventSink(new KafkaSettings { BootstrapServers = $"127.0.0.1:{port}" });

        var clock = System.Diagnostics.Stopwatch.StartNew();
        Assert.Throws<KafkaException>(() => sink.EnsureReachable(TimeSpan.FromSeconds(2)));
        Assert.InRange(clock.Elapsed, TimeSpan.Zero, TimeSpan.FromSeconds(10));
    }
}
