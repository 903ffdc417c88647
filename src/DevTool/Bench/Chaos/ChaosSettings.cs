namespace Insights.DevTool.Bench.Chaos;

/// <summary>
/// What a chaos run does (`insights bench chaos`, and the CI test with a short duration).
/// </summary>
/// <param name="Duration">How long tickets are sold; every fault happens within it.</param>
/// <param name="Rate">Tickets per second into MariaDB.</param>
/// <param name="KillsPerRole">SIGKILLs of the capture, of one worker and of the sink, each.</param>
/// <param name="Seed">Draws the moments of the faults; run i uses Seed + i - 1.</param>
/// <param name="ElasticsearchUrl">With one, the sink also writes to Elasticsearch there and its documents are compared.</param>
/// <param name="ProfileIntervalMs">
/// How often the workers publish changed movie profiles. The mock broker never compacts and keeps 5 MiB per partition:
/// with exact neighbour lists nearly every movie's profile (about 1 KB) changes every second under a long load, which
/// filled and trimmed every partition of insights.movie.profiles in a 5-minute run at the workers' default of 1 s.
/// </param>
/// <param name="WorkerRestart">Which state folder the killed worker comes back on (<see cref="ChaosRoles"/>).</param>
/// <param name="Partitions">Partitions of every member-keyed topic; <see cref="DefaultPartitions"/> unless given.</param>
/// <param name="LiveFraction">
/// The part of the dataset's tickets left for the live load; the rest is seeded before the roles start. A small seed
/// keeps the start short and the broker's partitions small: the mock broker keeps only 5 MiB per partition.
/// </param>
public sealed record ChaosSettings(
    string ModelPath,
    DirectoryInfo Dataset,
    TimeSpan Duration,
    int Rate,
    int KillsPerRole,
    int Seed,
    int Runs,
    string? ElasticsearchUrl = null,
    bool RestartMariaDb = true,
    int Partitions = ChaosSettings.DefaultPartitions,
    int SnapshotIntervalSeconds = 15,
    double LiveFraction = 0.9,
    TimeSpan? Deadline = null,
    WorkerRestart WorkerRestart = WorkerRestart.Alternate,
    int ProfileIntervalMs = 10_000)
{
    /// <summary>
    /// 32: the mock broker keeps 5 MiB per partition and never compacts, and at 16 partitions a 5-minute run's
    /// movie-collective changelog (about 600,000 records per partition) overflowed and was trimmed on every partition.
    /// </summary>
    public const int DefaultPartitions = 32;

    /// <summary>The longest wait for any one step after the load (catch-up, drain, settle, snapshot).</summary>
    public TimeSpan StepDeadline => Deadline ?? TimeSpan.FromMinutes(5);

    /// <summary>Problems with the settings, in the words of the command's options; null when they are fine.</summary>
    public string? Problem()
    {
        if (Duration < TimeSpan.FromSeconds(10)) return "--duration must be at least 10 seconds";
        if (Rate < 1) return "--rate must be at least 1";
        if (KillsPerRole < 0) return "--kills must not be negative";
        if (Runs < 1) return "--runs must be at least 1";
        if (Partitions < 2) return "--partitions must be at least 2 (two workers share them)";
        if (SnapshotIntervalSeconds < 1) return "--snapshot-interval must be at least 1 second";
        if (!File.Exists(ModelPath)) return $"--model {ModelPath} does not exist (train one with `insights train`)";
        if (!Dataset.Exists) return $"--dataset {Dataset.FullName} does not exist";
        return null;
    }
}

/// <summary>The state folder a killed worker is restarted on: kept (a container restarted in its pod), empty (a new pod), or kept after odd kills and empty after even ones.</summary>
public enum WorkerRestart { Alternate, Kept, Empty }
