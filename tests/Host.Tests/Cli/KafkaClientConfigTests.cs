using Confluent.Kafka;
using Insights.Capture.Hosting;
using Insights.Contracts;
using Insights.Host.Commands;
using Microsoft.Extensions.Configuration;

namespace Insights.Host.Tests.Cli;

/// <summary>The commands that build Kafka clients take the Kafka section's security settings, not just a server list.</summary>
public sealed class KafkaClientConfigTests
{
    private static readonly Dictionary<string, string?> Secured = new()
    {
        ["Kafka:BootstrapServers"] = "kafka-0.example:9093",
        ["Kafka:SecurityProtocol"] = "SaslSsl",
        ["Kafka:SaslMechanism"] = "ScramSha512",
        ["Kafka:SaslUsername"] = "insights",
        ["Kafka:SaslPassword"] = "sasl-password",
        ["Kafka:SslEndpointIdentificationAlgorithm"] = "None",
        ["MariaDb:CaptureConnectionString"] = "Server=127.0.0.1;Port=3306;User ID=capture;Password=x",
    };

    private static IConfiguration Configuration(Dictionary<string, string?>? changes = null)
    {
        var values = new Dictionary<string, string?>(Secured);
        foreach (var (key, value) in changes ?? []) values[key] = value;
        return new ConfigurationBuilder().AddInMemoryCollection(values).Build();
    }

    [Fact]
    public void Topics_create_uses_the_security_settings_with_the_servers_of_bootstrap()
    {
        var config = TopicsCommand.AdminConfig(Configuration(), "broker-a:9093,broker-b:9093");

        Assert.Equal("broker-a:9093,broker-b:9093", config.BootstrapServers);
        Assert.Equal(SecurityProtocol.SaslSsl, config.SecurityProtocol);
        Assert.Equal(SaslMechanism.ScramSha512, config.SaslMechanism);
        Assert.Equal("insights", config.SaslUsername);
        Assert.Equal("sasl-password", config.SaslPassword);
        Assert.Equal(SslEndpointIdentificationAlgorithm.None, config.SslEndpointIdentificationAlgorithm);
    }

    [Fact]
    public void Topics_create_names_the_option_for_a_bad_bootstrap_and_the_key_for_a_bad_setting()
    {
        Assert.StartsWith("configuration: --bootstrap has 'broker-a'",
            Assert.Throws<CommandLineError>(() => TopicsCommand.AdminConfig(Configuration(), "broker-a")).Message);
        var missingMechanism = Configuration(new() { ["Kafka:SaslMechanism"] = null });
        Assert.StartsWith("configuration: Kafka:SaslMechanism ",
            Assert.Throws<CommandLineError>(() => TopicsCommand.AdminConfig(missingMechanism, "broker-a:9093")).Message);
    }

    [Fact]
    public void Capture_reads_the_whole_kafka_section()
    {
        var (_, kafka) = CaptureHosting.ReadOptions(Configuration(), forceSnapshot: false);

        var producer = Capture.Sinks.KafkaChangeEventSink.ProducerConfig(kafka);
        Assert.Equal("kafka-0.example:9093", producer.BootstrapServers);
        Assert.Equal(SecurityProtocol.SaslSsl, producer.SecurityProtocol);
        Assert.Equal("sasl-password", producer.SaslPassword);
        Assert.Equal(SslEndpointIdentificationAlgorithm.None, producer.SslEndpointIdentificationAlgorithm);
    }
}
