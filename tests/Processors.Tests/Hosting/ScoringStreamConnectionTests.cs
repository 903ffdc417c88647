using Confluent.Kafka;
using Insights.Contracts.Configuration;
using Insights.Processors.Hosting;
using Streamiz.Kafka.Net;

namespace Insights.Processors.Tests.Hosting;

/// <summary>
/// Streamiz builds its own Kafka clients (main, restore and global consumers, producer, admin) from StreamConfig,
/// which is not a Confluent ClientConfig: the security settings must reach every one of them.
/// </summary>
public sealed class ScoringStreamConnectionTests
{
    private static readonly KafkaSettings Secured = new()
    {
        BootstrapServers = "kafka-0.example:9093",
        SecurityProtocol = SecurityProtocol.SaslSsl,
        SaslMechanism = SaslMechanism.ScramSha256,
        SaslUsername = "insights",
        SaslPassword = "sasl-password",
        SslCaLocation = "/etc/insights/kafka/ca.pem",
        SslCertificateLocation = "/etc/insights/kafka/client.pem",
        SslKeyLocation = "/etc/insights/kafka/client.key",
        SslKeyPassword = "key-passphrase",
        SslEndpointIdentificationAlgorithm = SslEndpointIdentificationAlgorithm.None,
    };

    [Fact]
    public void Every_client_streamiz_builds_gets_every_connection_setting()
    {
        var config = new StreamConfig { ApplicationId = "insights-processors" };

        ScoringStream.ApplyConnection(Secured, config);

        var expected = Secured.ClientProperties();
        Assert.Equal(10, expected.Count);
        foreach (var (client, built) in new (string, ClientConfig)[]
                 {
                     ("main consumer", config.ToConsumerConfig("c")), ("restore consumer", config.ToRestoreConsumerConfig("r")),
                     ("global consumer", config.ToGlobalConsumerConfig("g")), ("producer", config.ToProducerConfig("p")),
                     ("admin", config.ToAdminConfig("a")),
                 })
        {
            var properties = built.ToDictionary(p => p.Key, p => p.Value);
            foreach (var (key, value) in expected)
                Assert.True(properties.TryGetValue(key, out var actual) && actual == value, $"{client}: {key} is '{actual}', expected the configured value");
        }
    }

    [Fact]
    public void Plaintext_settings_leave_the_security_properties_unset()
    {
        var config = new StreamConfig { ApplicationId = "insights-processors" };

        ScoringStream.ApplyConnection(new KafkaSettings { BootstrapServers = "127.0.0.1:9092" }, config);

        var consumer = config.ToConsumerConfig("c");
        Assert.Equal("127.0.0.1:9092", consumer.BootstrapServers);
        Assert.DoesNotContain(consumer, p => p.Key.StartsWith("sasl.") || p.Key.StartsWith("ssl.") || p.Key == "security.protocol");
    }
}
