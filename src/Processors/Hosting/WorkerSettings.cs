namespace Insights.Processors.Hosting;

/// <summary>
/// The worker's settings, bound from configuration section `Processors` (env: Processors__ModelPath ...).
/// Every worker of one deployment shares ApplicationId, Partitions and Guarantee; NumStreamThreads and StateDir are per process.
/// </summary>
public sealed record WorkerSettings
{
    public const string Section = "Processors";
    public const string AtLeastOnce = "at_least_once";
    public const string ExactlyOnce = "exactly_once";

    /// <summary>Every setting at its default: what other code reads instead of repeating a default.</summary>
    public static WorkerSettings Defaults { get; } = new();

    /// <summary>The Streamiz application id: the workers' consumer group and the prefix of their internal topics. Workers with one id share the partitions.</summary>
    public string ApplicationId { get; init; } = "insights-processors";
    /// <summary>Prefix of the CDC topics (`cdc` reads `cdc.cinema.tickets`...), as the capture or Debezium writes them.</summary>
    public string TopicPrefix { get; init; } = Contracts.Cinema.CinemaTables.DefaultTopicPrefix;
    /// <summary>Partitions of the member-keyed topics; must equal the topics the manifest created.</summary>
    public int Partitions { get; init; } = 16;
    /// <summary>The model file the workers score with, written by `insights train`.</summary>
    public string ModelPath { get; init; } = "";

    /// <summary>
    /// True (default): ticket events are keyed by their member, as Debezium's message.key.columns
    /// `cinema.tickets:member_id` in connect/ and the built-in capture's default key them, so the tickets and members
    /// topics (both keyed `{"member_id":N}`, both with Partitions partitions, one producer partitioner) hold a member's
    /// events in the same partition: the member task reads them where they are, with no repartition hop (a worker drains
    /// about 1.4 times faster). A ticket event keyed otherwise is dead-lettered (stage parse) naming this setting.
    /// False: any ticket key works, and every member event goes through the member repartition topic first. Changing it
    /// moves members between tasks: it needs a new ApplicationId (a rebuild from the CDC topics).
    /// </summary>
    public bool TicketsKeyedByMember { get; init; } = true;

    /// <summary>How often each task scores its dirty members: about half the event-to-score latency is waiting for this.</summary>
    public int FlushIntervalMs { get; init; } = 100;
    /// <summary>Members a task rescores per flush after a catalog change or a rescore command.</summary>
    public int RescoreBatch { get; init; } = 500;

    /// <summary>
    /// How long a ticket waits for its session (and the session's movie) to reach this worker before it is
    /// dead-lettered. Sessions are usually there first, but they reach the workers through the sessions stage and the
    /// global thread, which can each be restoring or rebalancing for minutes after a worker dies: a short wait turns a
    /// recovery into lost tickets. While a ticket waits, its member's later tickets wait behind it. Default 10 minutes.
    /// </summary>
    public long SessionWaitMs { get; init; } = 10L * 60 * 1000;

    /// <summary>
    /// Days a session is held after its showtime, counted on the sessions' own clock (the newest showtime applied, never
    /// later than that change's commit): a chain adds thousands of sessions a day, and each costs every worker about
    /// 80 bytes while held. A ticket change for a session no longer held whose purchase is older than that horizon (a
    /// late refund of an old ticket) is dead-lettered at once, stage session-expired. Raise it for a rebuild that
    /// replays older tickets than this. Default 400, 1..36500.
    /// </summary>
    public int SessionRetentionDays { get; init; } = 400;

    /// <summary>
    /// How often each movie task publishes the profiles of its movies that changed. Other members' attendances reach a
    /// member's scores this much later at most; a hot movie's profile is rewritten once per interval, which is what the
    /// profiles topic grows by between compactions.
    /// </summary>
    public int ProfileIntervalMs { get; init; } = 1000;

    /// <summary>
    /// Every member is rescored at least this often even without events of their own, so other members' attendances
    /// (the movie profiles) reach everyone's scores; the walk is paced evenly over the interval. Default one day.
    /// </summary>
    public long FreshnessIntervalMs { get; init; } = 24L * 60 * 60 * 1000;
    /// <summary>Stream threads per worker process.</summary>
    public int NumStreamThreads { get; init; } = 1;

    /// <summary>Neighbour lists are rebuilt once a movie's row changed by this fraction (0 = exact, at a cost per read).</summary>
    public double NeighbourStaleness { get; init; } = 0.25;
    /// <summary>Where the worker keeps its RocksDB stores; a folder left by a process that did not stop cleanly is emptied and restored from the changelogs.</summary>
    public string StateDir { get; init; } = Path.Combine(Path.GetTempPath(), "insights-processors");

    /// <summary>
    /// at_least_once (default) or exactly_once. Exactly-once commits every task's outputs, state changes and input
    /// offsets in one Kafka transaction per commit; it needs real Kafka (transactions), and readers of the scores see
    /// them only once committed, so the commit interval becomes part of the latency.
    /// </summary>
    public string Guarantee { get; init; } = AtLeastOnce;

    /// <summary>
    /// How often offsets (and, exactly-once, transactions) are committed. Unset: 1000 ms at least once, 100 ms exactly
    /// once. At least once a commit adds nothing to latency (scores are readable once acknowledged) but costs a
    /// RocksDB memtable flush per store, a producer flush and a synchronous offset commit, and it empties the member
    /// store's cache into the changelog; exactly once it is when the scores become readable.
    /// </summary>
    public int? CommitIntervalMs { get; init; }
    /// <summary>How long the group waits for a silent worker before it moves its partitions to the others.</summary>
    public int SessionTimeoutMs { get; init; } = 10_000;

    /// <summary>
    /// librdkafka fetch.wait.max.ms of the stream's consumers (main, restore, global): how long a broker may hold a
    /// fetch while it has no new data. librdkafka's 500 made every hop of a record (CDC topic, repartition topic,
    /// collective log) wait up to half a second; 10 costs about 100 empty fetches a second per idle consumer.
    /// </summary>
    public int FetchWaitMaxMs { get; init; } = 10;

    /// <summary>
    /// Streamiz PollMs: how long a stream thread blocks in poll when no record is buffered. Punctuations (the score
    /// flush) run between polls, so this is also how late a flush may start; Streamiz's default is 100.
    /// </summary>
    public int PollMs { get; init; } = 10;

    /// <summary>
    /// librdkafka linger.ms of the stream's producer: how long a record may wait for others to share its batch. Every
    /// commit waits for the records its tasks just wrote, once per task, so each millisecond here adds up to one per
    /// task to the commit's pause (librdkafka's 5 ms cost about 80 ms per commit with 16 tasks). Under load batches
    /// fill while earlier requests are in flight, so 0 did not lower the drain rate measurably.
    /// </summary>
    public double ProducerLingerMs { get; init; } = 0;

    /// <summary>
    /// Compression of everything the stream produces (changelogs, repartition, collective updates, scores): none,
    /// gzip, snappy, lz4 or zstd. A broker that stores batches as produced (the local mock keeps 5 MiB per
    /// partition) then holds several times more records.
    /// </summary>
    public string CompressionType { get; init; } = "none";

    /// <summary>
    /// A stream thread that holds running tasks but has not polled Kafka for this long reports not ready. It stays
    /// away from poll while it drains buffered records (up to 1,000 per partition) or runs a flush, so this is
    /// seconds, not a multiple of PollMs; a thread stuck in a commit or a blocked produce stays stuck for minutes.
    /// </summary>
    public int PollStallMs { get; init; } = 10_000;

    /// <summary>
    /// librdkafka max.poll.interval.ms of the stream threads' main consumers (Streamiz's default is 300000). A member
    /// that has not polled for this long leaves the group, so its partitions move to the others; on Kafka it is also
    /// the rebalance timeout, how long a rebalance waits for every member to rejoin. It does not bound a restore: a
    /// Streamiz 1.8.2 thread does not poll while it restores, so the worker polls for it between restore loops
    /// (<see cref="RestoreKeepAlive"/>), each about PollMs long; it bounds a thread stuck in processing, a flush or a commit.
    /// </summary>
    public int MaxPollIntervalMs { get; init; } = 60_000;

    /// <summary>
    /// librdkafka debug contexts (comma-separated, e.g. `cgrp` for the group protocol) of the stream threads' main
    /// consumers, logged at Debug under the category Streamiz.Kafka.Net.Kafka.KafkaLoggerAdapter (raise it with
    /// Logging:LogLevel:Streamiz.Kafka.Net.Kafka.KafkaLoggerAdapter=Debug). Unset: none.
    /// </summary>
    public string? ConsumerDebug { get; init; }

    /// <summary>Created while the worker is ready (see <see cref="ScoringStream.NotReadyReason"/>) and removed otherwise: a readiness probe is `test -f` on it.</summary>
    public string? ReadyFile { get; init; }

    private static readonly string[] CompressionTypes = ["none", "gzip", "snappy", "lz4", "zstd"];

    /// <summary>librdkafka's debug contexts (CONFIGURATION.md, `debug`).</summary>
    private static readonly string[] DebugContexts = ["generic", "broker", "topic", "metadata", "feature", "queue", "msg", "protocol", "cgrp",
        "security", "fetch", "interceptor", "plugin", "consumer", "admin", "eos", "mock", "assignor", "conf", "telemetry", "all"];

    /// <summary>The first of <see cref="Problems"/>, or null when the settings are usable.</summary>
    public string? Problem() => Problems().FirstOrDefault();

    /// <summary>Every wrong setting, one line each naming the key.</summary>
    public IEnumerable<string> Problems()
    {
        if (string.IsNullOrWhiteSpace(ApplicationId)) yield return $"{Section}:ApplicationId is required";
        if (string.IsNullOrWhiteSpace(ModelPath)) yield return $"{Section}:ModelPath is required (a model file written by `insights train`)";
        else if (!File.Exists(ModelPath)) yield return $"{Section}:ModelPath names {ModelPath}, which does not exist";
        if (Partitions is < 1 or > 1000) yield return $"{Section}:Partitions must be 1..1000, got {Partitions}";
        if (FlushIntervalMs < 1) yield return $"{Section}:FlushIntervalMs must be positive, got {FlushIntervalMs}";
        if (SessionWaitMs < 0) yield return $"{Section}:SessionWaitMs must not be negative, got {SessionWaitMs}";
        if (SessionRetentionDays is < 1 or > 36_500) yield return $"{Section}:SessionRetentionDays must be 1..36500, got {SessionRetentionDays}";
        if (RescoreBatch < 1) yield return $"{Section}:RescoreBatch must be positive, got {RescoreBatch}";
        if (ProfileIntervalMs < 1) yield return $"{Section}:ProfileIntervalMs must be positive, got {ProfileIntervalMs}";
        if (FreshnessIntervalMs < 1000) yield return $"{Section}:FreshnessIntervalMs must be at least 1000, got {FreshnessIntervalMs}";
        if (NeighbourStaleness < 0) yield return $"{Section}:NeighbourStaleness must not be negative, got {NeighbourStaleness}";
        if (NumStreamThreads is < 1 or > 64) yield return $"{Section}:NumStreamThreads must be 1..64, got {NumStreamThreads}";
        if (!string.Equals(Guarantee, AtLeastOnce, StringComparison.OrdinalIgnoreCase) && !IsExactlyOnce) yield return $"{Section}:Guarantee must be {AtLeastOnce} or {ExactlyOnce}, got '{Guarantee}'";
        if (CommitIntervalMs < 1) yield return $"{Section}:CommitIntervalMs must be positive, got {CommitIntervalMs}";
        if (SessionTimeoutMs < 1000) yield return $"{Section}:SessionTimeoutMs must be at least 1000, got {SessionTimeoutMs}";
        // 0 would make the brokers answer every fetch at once: a busy loop of empty fetches.
        if (FetchWaitMaxMs is < 1 or > 300_000) yield return $"{Section}:FetchWaitMaxMs must be 1..300000, got {FetchWaitMaxMs}";
        // 0 would spin the stream thread; more than a few seconds delays every flush and shutdown by as much.
        if (PollMs is < 1 or > 10_000) yield return $"{Section}:PollMs must be 1..10000, got {PollMs}";
        if (ProducerLingerMs is < 0 or > 900_000) yield return $"{Section}:ProducerLingerMs must be 0..900000, got {ProducerLingerMs}";
        if (PollStallMs < 1000) yield return $"{Section}:PollStallMs must be at least 1000, got {PollStallMs}";
        if (MaxPollIntervalMs is < 10_000 or > 86_400_000) yield return $"{Section}:MaxPollIntervalMs must be 10000..86400000, got {MaxPollIntervalMs}";
        // librdkafka refuses a max.poll.interval.ms below session.timeout.ms.
        if (MaxPollIntervalMs < SessionTimeoutMs)
            yield return $"{Section}:MaxPollIntervalMs ({MaxPollIntervalMs}) must not be below {Section}:SessionTimeoutMs ({SessionTimeoutMs})";
        // A restoring thread is polled once per restore loop, which waits PollMs (RestoreKeepAlive).
        if (MaxPollIntervalMs < 2 * PollMs)
            yield return $"{Section}:MaxPollIntervalMs ({MaxPollIntervalMs}) must be at least twice {Section}:PollMs ({PollMs}): a restoring stream thread is polled once per PollMs";
        if (ConsumerDebug is { Length: > 0 } debug && debug.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).FirstOrDefault(c => !DebugContexts.Contains(c)) is { } unknown)
            yield return $"{Section}:ConsumerDebug names '{unknown}', which is not a librdkafka debug context ({string.Join(", ", DebugContexts)})";
        if (!CompressionTypes.Contains(CompressionType, StringComparer.OrdinalIgnoreCase))
            yield return $"{Section}:CompressionType must be none, gzip, snappy, lz4 or zstd, got '{CompressionType}'";
    }

    /// <summary>The parsed <see cref="CompressionType"/>; call after <see cref="Problem"/> returned null.</summary>
    public Confluent.Kafka.CompressionType Compression => Enum.Parse<Confluent.Kafka.CompressionType>(CompressionType, ignoreCase: true);

    public bool IsExactlyOnce => string.Equals(Guarantee, ExactlyOnce, StringComparison.OrdinalIgnoreCase);

    /// <summary>The commit interval in force: <see cref="CommitIntervalMs"/>, or the guarantee's default.</summary>
    public int CommitInterval => CommitIntervalMs ?? (IsExactlyOnce ? 100 : 1000);
}
