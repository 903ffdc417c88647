using Confluent.Kafka;

namespace Insights.Contracts.Configuration;

/// <summary>
/// How every role (capture, workers, sinks) reaches Kafka. Bound from configuration section `Kafka`
/// (env: Kafka__BootstrapServers, Kafka__SaslPassword...). Secrets come from the environment or a secret
/// store, never from files in the repository, and are never logged.
/// </summary>
public sealed record KafkaSettings
{
    public const string Section = "Kafka";

    public string BootstrapServers { get; init; } = "";
    public SecurityProtocol? SecurityProtocol { get; init; }
    public SaslMechanism? SaslMechanism { get; init; }
    public string? SaslUsername { get; init; }
    public string? SaslPassword { get; init; }
    public string? SslCaLocation { get; init; }

    /// <summary>Copies the connection settings onto a producer, consumer, admin or Streamiz client config.</summary>
    public T ApplyTo<T>(T config) where T : ClientConfig
    {
        config.BootstrapServers = BootstrapServers;
        if (SecurityProtocol is { } protocol) config.SecurityProtocol = protocol;
        if (SaslMechanism is { } mechanism) config.SaslMechanism = mechanism;
        if (SaslUsername is not null) config.SaslUsername = SaslUsername;
        if (SaslPassword is not null) config.SaslPassword = SaslPassword;
        if (SslCaLocation is not null) config.SslCaLocation = SslCaLocation;
        return config;
    }

    /// <summary>Names the first wrong setting as `Kafka:Key`, or null when the settings are usable.</summary>
    public string? Problem()
    {
        if (string.IsNullOrWhiteSpace(BootstrapServers))
            return $"{Section}:BootstrapServers is required (host:port[,host:port]; the local stack writes it to .stack/kafka.json)";
        foreach (var server in BootstrapServers.Split(','))
        {
            var colon = server.LastIndexOf(':');
            if (colon <= 0 || !int.TryParse(server[(colon + 1)..], out var port) || port is < 1 or > 65535)
                return $"{Section}:BootstrapServers has '{server}', expected host:port";
        }
        if (SaslMechanism is not null && string.IsNullOrEmpty(SaslUsername))
            return $"{Section}:SaslUsername is required when {Section}:SaslMechanism is set";
        return null;
    }
}
