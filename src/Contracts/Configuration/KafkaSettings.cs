using Confluent.Kafka;

namespace Insights.Contracts.Configuration;

/// <summary>
/// How every role (capture, workers, sinks, topic creation) reaches Kafka. Bound from configuration section
/// `Kafka` (env: Kafka__BootstrapServers, Kafka__SaslPassword...). Secrets come from the environment or a secret
/// store, never from files in the repository, and are never logged: <see cref="Problem"/> names keys, not values.
/// Every Kafka client in src/ takes its connection and security settings from <see cref="ApplyTo{T}"/>.
/// </summary>
public sealed record KafkaSettings
{
    public const string Section = "Kafka";

    /// <summary>Brokers to start from, host:port separated by commas.</summary>
    public string BootstrapServers { get; init; } = "";
    /// <summary>`Plaintext` (unset), `Ssl`, `SaslPlaintext` or `SaslSsl`.</summary>
    public SecurityProtocol? SecurityProtocol { get; init; }
    /// <summary>`Plain`, `ScramSha256`, `ScramSha512`, `OAuthBearer` or `Gssapi`; required with a SASL protocol.</summary>
    public SaslMechanism? SaslMechanism { get; init; }
    /// <summary>The SASL user (Plain and SCRAM).</summary>
    public string? SaslUsername { get; init; }
    /// <summary>The SASL password; from a secret, never a file in the repository.</summary>
    public string? SaslPassword { get; init; }

    /// <summary>CA certificate(s) the broker certificates are checked against (PEM file or directory); unset means the system store.</summary>
    public string? SslCaLocation { get; init; }

    /// <summary>Client certificate (PEM) for mutual TLS; needs <see cref="SslKeyLocation"/>.</summary>
    public string? SslCertificateLocation { get; init; }

    /// <summary>Client private key (PEM) for mutual TLS; needs <see cref="SslCertificateLocation"/>.</summary>
    public string? SslKeyLocation { get; init; }

    /// <summary>Passphrase of <see cref="SslKeyLocation"/> when the key is encrypted.</summary>
    public string? SslKeyPassword { get; init; }

    /// <summary>
    /// Broker host name verification: Https (librdkafka's default) or None, for brokers whose certificates do not
    /// name the address clients use (e.g. reached by IP). None still checks the certificate chain.
    /// </summary>
    public SslEndpointIdentificationAlgorithm? SslEndpointIdentificationAlgorithm { get; init; }

    /// <summary>Copies the connection and security settings onto a producer, consumer or admin client config.</summary>
    public T ApplyTo<T>(T config) where T : ClientConfig
    {
        config.BootstrapServers = BootstrapServers;
        if (SecurityProtocol is { } protocol) config.SecurityProtocol = protocol;
        if (SaslMechanism is { } mechanism) config.SaslMechanism = mechanism;
        if (SaslUsername is not null) config.SaslUsername = SaslUsername;
        if (SaslPassword is not null) config.SaslPassword = SaslPassword;
        if (SslCaLocation is not null) config.SslCaLocation = SslCaLocation;
        if (SslCertificateLocation is not null) config.SslCertificateLocation = SslCertificateLocation;
        if (SslKeyLocation is not null) config.SslKeyLocation = SslKeyLocation;
        if (SslKeyPassword is not null) config.SslKeyPassword = SslKeyPassword;
        if (SslEndpointIdentificationAlgorithm is { } verification) config.SslEndpointIdentificationAlgorithm = verification;
        return config;
    }

    /// <summary>
    /// The librdkafka properties <see cref="ApplyTo{T}"/> sets, for clients configured through a property map rather
    /// than a <see cref="ClientConfig"/> (Streamiz's StreamConfig).
    /// </summary>
    public IReadOnlyDictionary<string, string> ClientProperties() =>
        ApplyTo(new ClientConfig()).ToDictionary(p => p.Key, p => p.Value);

    /// <summary>The first of <see cref="Problems"/>, or null when the settings are usable.</summary>
    public string? Problem() => Problems().FirstOrDefault();

    /// <summary>Every wrong setting, one line each naming the key; never echoes a secret.</summary>
    public IEnumerable<string> Problems()
    {
        if (string.IsNullOrWhiteSpace(BootstrapServers))
            yield return $"{Section}:BootstrapServers is required (host:port[,host:port]; the local stack writes it to .stack/kafka.json)";
        foreach (var server in BootstrapServers?.Split(',', StringSplitOptions.RemoveEmptyEntries) ?? [])
        {
            var colon = server.LastIndexOf(':');
            if (colon <= 0 || !int.TryParse(server[(colon + 1)..], out var port) || port is < 1 or > 65535)
                yield return $"{Section}:BootstrapServers has '{server}', expected host:port";
        }
        var sasl = SecurityProtocol is Confluent.Kafka.SecurityProtocol.SaslPlaintext or Confluent.Kafka.SecurityProtocol.SaslSsl;
        var tls = SecurityProtocol is Confluent.Kafka.SecurityProtocol.Ssl or Confluent.Kafka.SecurityProtocol.SaslSsl;
        // librdkafka would fall back to GSSAPI (Kerberos) and fail at the first connection with an unrelated message.
        if (sasl && SaslMechanism is null)
            yield return $"{Section}:SaslMechanism is required when {Section}:SecurityProtocol is {SecurityProtocol}";
        // Without a SASL protocol librdkafka silently ignores the credentials: the client would connect unauthenticated.
        if (!sasl && SaslMechanism is not null)
            yield return $"{Section}:SecurityProtocol must be SaslPlaintext or SaslSsl when {Section}:SaslMechanism is set (it is {SecurityProtocol?.ToString() ?? "unset, meaning Plaintext"})";
        if (SaslMechanism is Confluent.Kafka.SaslMechanism.Plain or Confluent.Kafka.SaslMechanism.ScramSha256 or Confluent.Kafka.SaslMechanism.ScramSha512
            && string.IsNullOrEmpty(SaslUsername))
            yield return $"{Section}:SaslUsername is required when {Section}:SaslMechanism is {SaslMechanism}";
        foreach (var (key, value) in new[]
                 {
                     (nameof(SslCaLocation), SslCaLocation), (nameof(SslCertificateLocation), SslCertificateLocation),
                     (nameof(SslKeyLocation), SslKeyLocation),
                 })
        {
            if (value is null) continue;
            // TLS files would otherwise be ignored without a word (plaintext protocol) or fail deep inside the first connection.
            if (!tls) yield return $"{Section}:{key} is set but {Section}:SecurityProtocol is {SecurityProtocol?.ToString() ?? "unset (Plaintext)"}; use Ssl or SaslSsl";
            else if (!File.Exists(value) && !(key == nameof(SslCaLocation) && (Directory.Exists(value) || value == "probe")))
                yield return $"{Section}:{key} names {value}, which does not exist";
        }
        if (SslEndpointIdentificationAlgorithm is not null && !tls)
            yield return $"{Section}:SslEndpointIdentificationAlgorithm is set but {Section}:SecurityProtocol is not Ssl or SaslSsl";
        if ((SslCertificateLocation is null) != (SslKeyLocation is null))
            yield return $"{Section}:SslCertificateLocation and {Section}:SslKeyLocation go together (mutual TLS needs both)";
        if (SslKeyPassword is not null && SslKeyLocation is null)
            yield return $"{Section}:SslKeyPassword is set but {Section}:SslKeyLocation is not";
    }
}
