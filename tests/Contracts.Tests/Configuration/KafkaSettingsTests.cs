using Confluent.Kafka;
using Insights.Contracts.Configuration;

namespace Insights.Contracts.Tests.Configuration;

/// <summary>KafkaSettings is the one path from configuration to every Kafka client: what it copies and what it refuses.</summary>
public sealed class KafkaSettingsTests : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("insights-kafka-tls-").FullName;

    private string File(string name)
    {
        var path = Path.Combine(folder, name);
        System.IO.File.WriteAllText(path, "-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----\n");
        return path;
    }

    /// <summary>SASL over TLS with a private CA and a client certificate: every security setting a real cluster may need.</summary>
    public KafkaSettings Secured() => new()
    {
        BootstrapServers = "kafka-0.example:9093,kafka-1.example:9093",
        SecurityProtocol = SecurityProtocol.SaslSsl,
        SaslMechanism = SaslMechanism.ScramSha512,
        SaslUsername = "insights",
        SaslPassword = "sasl-password",
        SslCaLocation = File("ca.pem"),
        SslCertificateLocation = File("client.pem"),
        SslKeyLocation = File("client.key"),
        SslKeyPassword = "key-passphrase",
        SslEndpointIdentificationAlgorithm = SslEndpointIdentificationAlgorithm.Https,
    };

    [Fact]
    public void ApplyTo_copies_every_connection_and_security_setting()
    {
        var settings = Secured();
        var config = settings.ApplyTo(new ConsumerConfig { GroupId = "g" });

        Assert.Equal(settings.BootstrapServers, config.BootstrapServers);
        Assert.Equal(SecurityProtocol.SaslSsl, config.SecurityProtocol);
        Assert.Equal(SaslMechanism.ScramSha512, config.SaslMechanism);
        Assert.Equal("insights", config.SaslUsername);
        Assert.Equal("sasl-password", config.SaslPassword);
        Assert.Equal(settings.SslCaLocation, config.SslCaLocation);
        Assert.Equal(settings.SslCertificateLocation, config.SslCertificateLocation);
        Assert.Equal(settings.SslKeyLocation, config.SslKeyLocation);
        Assert.Equal("key-passphrase", config.SslKeyPassword);
        Assert.Equal(SslEndpointIdentificationAlgorithm.Https, config.SslEndpointIdentificationAlgorithm);
        Assert.Equal("g", config.GroupId);
    }

    [Fact]
    public void ApplyTo_leaves_librdkafka_defaults_for_unset_settings()
    {
        var config = new KafkaSettings { BootstrapServers = "127.0.0.1:9092" }.ApplyTo(new ProducerConfig());

        Assert.Equal(["bootstrap.servers"], config.Select(p => p.Key));
    }

    [Fact]
    public void ClientProperties_are_the_librdkafka_names_ApplyTo_sets()
    {
        var properties = Secured().ClientProperties();

        Assert.Equal("sasl_ssl", properties["security.protocol"]);
        Assert.Equal("SCRAM-SHA-512", properties["sasl.mechanism"]);
        Assert.Equal("key-passphrase", properties["ssl.key.password"]);
        Assert.Equal(10, properties.Count);
    }

    [Fact]
    public void Fully_secured_settings_are_usable() => Assert.Null(Secured().Problem());

    public static TheoryData<string, string> Problems() => new()
    {
        // which change, the key the message must start with
        { "no mechanism for SASL", "Kafka:SaslMechanism" },
        { "SASL mechanism over plaintext", "Kafka:SecurityProtocol" },
        { "no user for SCRAM", "Kafka:SaslUsername" },
        { "CA file missing", "Kafka:SslCaLocation" },
        { "client certificate missing", "Kafka:SslCertificateLocation" },
        { "key without certificate", "Kafka:SslCertificateLocation" },
        { "key passphrase without key", "Kafka:SslKeyPassword" },
        { "TLS files without TLS", "Kafka:SslCaLocation" },
        { "host verification without TLS", "Kafka:SslEndpointIdentificationAlgorithm" },
        { "bootstrap without port", "Kafka:BootstrapServers" },
    };

    [Theory]
    [MemberData(nameof(Problems))]
    public void A_wrong_setting_is_named_without_echoing_a_secret(string change, string key)
    {
        var settings = Secured();
        settings = change switch
        {
            "no mechanism for SASL" => settings with { SaslMechanism = null },
            "SASL mechanism over plaintext" => settings with { SecurityProtocol = SecurityProtocol.Ssl },
            "no user for SCRAM" => settings with { SaslUsername = null },
            "CA file missing" => settings with { SslCaLocation = Path.Combine(folder, "absent.pem") },
            "client certificate missing" => settings with { SslCertificateLocation = Path.Combine(folder, "absent.pem") },
            "key without certificate" => settings with { SslCertificateLocation = null },
            "key passphrase without key" => settings with { SslCertificateLocation = null, SslKeyLocation = null },
            "TLS files without TLS" => settings with { SecurityProtocol = SecurityProtocol.SaslPlaintext, SslEndpointIdentificationAlgorithm = null },
            "host verification without TLS" => settings with
            {
                SecurityProtocol = SecurityProtocol.SaslPlaintext,
                SslCaLocation = null,
                SslCertificateLocation = null,
                SslKeyLocation = null,
                SslKeyPassword = null,
            },
            _ => settings with { BootstrapServers = "kafka-0.example" },
        };

        var problem = settings.Problem();

        Assert.NotNull(problem);
        Assert.StartsWith(key + " ", problem);
        Assert.DoesNotContain("sasl-password", problem);
        Assert.DoesNotContain("key-passphrase", problem);
    }

    [Fact]
    public void A_ca_folder_or_the_system_probe_is_accepted()
    {
        Assert.Null((Secured() with { SslCaLocation = folder }).Problem());
        Assert.Null((Secured() with { SslCaLocation = "probe" }).Problem());
    }

    public void Dispose() => Directory.Delete(folder, recursive: true);
}
