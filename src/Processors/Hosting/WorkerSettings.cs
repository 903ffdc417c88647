namespace Insights.Processors.Hosting;

/// <summary>
/// The worker's settings, bound from configuration section `Processors` (env: Processors__ModelPath ...).
/// Every worker of one deployment shares ApplicationId and Partitions; NumStreamThreads and StateDir are per process.
/// </summary>
public sealed record WorkerSettings
{
    public const string Section = "Processors";

    public string ApplicationId { get; init; } = "insights-processors";
    public string TopicPrefix { get; init; } = Contracts.Cinema.CinemaTables.DefaultTopicPrefix;
    public int Partitions { get; init; } = 16;
    public string ModelPath { get; init; } = "";
    public int FlushIntervalMs { get; init; } = 500;
    public int RescoreBatch { get; init; } = 500;
    public int NumStreamThreads { get; init; } = 1;

    /// <summary>Neighbour lists are rebuilt once a movie's row changed by this fraction (0 = exact, at a cost per read).</summary>
    public double NeighbourStaleness { get; init; } = 0.25;
    public string StateDir { get; init; } = Path.Combine(Path.GetTempPath(), "insights-processors");
    public int CommitIntervalMs { get; init; } = 1000;
    public int SessionTimeoutMs { get; init; } = 10_000;

    /// <summary>
    /// Compression of everything the stream produces (changelogs, repartition, collective updates, scores): none,
    /// gzip, snappy, lz4 or zstd. A broker that stores batches as produced (the local mock keeps 5 MiB per
    /// partition) then holds several times more records.
    /// </summary>
    public string CompressionType { get; init; } = "none";

    /// <summary>Created while the stream is RUNNING and removed otherwise: a readiness probe is `test -f` on it.</summary>
    public string? ReadyFile { get; init; }

    private static readonly string[] CompressionTypes = ["none", "gzip", "snappy", "lz4", "zstd"];

    /// <summary>Names the first unusable setting as `Processors:Key`, or null.</summary>
    public string? Problem()
    {
        if (string.IsNullOrWhiteSpace(ApplicationId)) return $"{Section}:ApplicationId is required";
        if (string.IsNullOrWhiteSpace(ModelPath)) return $"{Section}:ModelPath is required (a model file written by `insights train`)";
        if (!File.Exists(ModelPath)) return $"{Section}:ModelPath names {ModelPath}, which does not exist";
        if (Partitions is < 1 or > 1000) return $"{Section}:Partitions must be 1..1000, got {Partitions}";
        if (FlushIntervalMs < 1) return $"{Section}:FlushIntervalMs must be positive, got {FlushIntervalMs}";
        if (RescoreBatch < 1) return $"{Section}:RescoreBatch must be positive, got {RescoreBatch}";
        if (NeighbourStaleness < 0) return $"{Section}:NeighbourStaleness must not be negative, got {NeighbourStaleness}";
        if (NumStreamThreads is < 1 or > 64) return $"{Section}:NumStreamThreads must be 1..64, got {NumStreamThreads}";
        if (CommitIntervalMs < 1) return $"{Section}:CommitIntervalMs must be positive, got {CommitIntervalMs}";
        if (SessionTimeoutMs < 1000) return $"{Section}:SessionTimeoutMs must be at least 1000, got {SessionTimeoutMs}";
        if (!CompressionTypes.Contains(CompressionType, StringComparer.OrdinalIgnoreCase))
            return $"{Section}:CompressionType must be none, gzip, snappy, lz4 or zstd, got '{CompressionType}'";
        return null;
    }

    /// <summary>The parsed <see cref="CompressionType"/>; call after <see cref="Problem"/> returned null.</summary>
    public Confluent.Kafka.CompressionType Compression => Enum.Parse<Confluent.Kafka.CompressionType>(CompressionType, ignoreCase: true);
}
