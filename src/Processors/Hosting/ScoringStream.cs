using Insights.Contracts.Configuration;
using Insights.Processors.DeadLetters;
using Insights.Processors.Movies;
using Insights.Processors.Topology;
using Insights.Propensity.Scoring;
using Microsoft.Extensions.Logging;
using Streamiz.Kafka.Net;
using Streamiz.Kafka.Net.SerDes;

namespace Insights.Processors.Hosting;

/// <summary>
/// The scoring topology running against Kafka: one Streamiz application instance in this process, with the worker's
/// latency and delivery settings applied, and a readiness that reports whether it does its work
/// (<see cref="NotReadyReason"/>), not only Streamiz's state.
/// </summary>
public sealed class ScoringStream : IDisposable
{
    private readonly KafkaStream stream;
    private readonly AssignmentWatch assignments;
    private readonly StreamThreadProbe threads;
    private readonly StreamErrorDeadLetters deadLetters;
    private readonly TimeSpan pollStallLimit;
    private volatile KafkaStream.State state = KafkaStream.State.CREATED;

    public ScoringStream(WorkerSettings settings, KafkaSettings kafka, ILoggerFactory loggers)
        : this(settings, LoadModel(settings.ModelPath), kafka, loggers) { }

    public ScoringStream(WorkerSettings settings, PropensityModel model, KafkaSettings kafka, ILoggerFactory loggers)
    {
        // A record Streamiz cannot read from an internal topic, or cannot write, costs a dead letter, not the stream;
        // so does one a global store's updater cannot apply.
        deadLetters = new StreamErrorDeadLetters(kafka, loggers.CreateLogger("insights.worker.dead-letters"));
        Options = OptionsFor(settings, model) with { GlobalDeadLetters = deadLetters };
        Movies = new SharedMovieState(model.Settings, Options.GenreNames, Options.SessionRetention);
        (stateDir, applicationId) = (settings.StateDir, settings.ApplicationId);
        if (CleanStopMarker.PrepareForStart(stateDir, applicationId))
            loggers.CreateLogger("insights.worker").LogWarning("worker: the state folder {Folder} was left by a worker that did not stop cleanly; " +
                "emptied it, so every task restores from its changelog (local stores may hold effects that never reached Kafka)",
                CleanStopMarker.ApplicationFolder(stateDir, applicationId));
        var config = Configure(settings, kafka, loggers);
        deadLetters.Attach(config);
        assignments = new AssignmentWatch(config, settings.ConsumerDebug);
        stream = new KafkaStream(ScoringTopology.Build(Options, Movies), config, assignments);
        threads = new StreamThreadProbe(stream);
        pollStallLimit = TimeSpan.FromMilliseconds(settings.PollStallMs);
        stream.StateChanged += (_, now) => state = now;
        stream.OnRestoreEndEvent += (partition, store, _) => Options.Restoration!.Ended(store, partition.Partition.Value);
    }

    /// <summary>The topology's options from the worker's settings.</summary>
    public static ProcessorOptions OptionsFor(WorkerSettings settings, PropensityModel model) =>
        new ProcessorOptions
        {
            ApplicationId = settings.ApplicationId, TopicPrefix = settings.TopicPrefix, Partitions = settings.Partitions,
            TicketsKeyedByMember = settings.TicketsKeyedByMember, TransactionalCommits = settings.IsExactlyOnce,
            Model = model, FlushInterval = TimeSpan.FromMilliseconds(settings.FlushIntervalMs), RescoreBatch = settings.RescoreBatch,
            SessionWait = TimeSpan.FromMilliseconds(settings.SessionWaitMs), SessionRetention = TimeSpan.FromDays(settings.SessionRetentionDays),
            FreshnessInterval = TimeSpan.FromMilliseconds(settings.FreshnessIntervalMs),
            ProfileInterval = TimeSpan.FromMilliseconds(settings.ProfileIntervalMs),
            NeighbourStaleness = settings.NeighbourStaleness, Restoration = new StoreRestoration(),
        }.Validated();

    /// <summary>The Streamiz configuration of a worker: delivery guarantee, commit and latency settings, connection.</summary>
    public static StreamConfig<ByteArraySerDes, ByteArraySerDes> Configure(WorkerSettings settings, KafkaSettings kafka, ILoggerFactory loggers)
    {
        var config = new StreamConfig<ByteArraySerDes, ByteArraySerDes>
        {
            ApplicationId = settings.ApplicationId,
            // Every topic is pre-created from the manifest: a missing one is a deployment error, not something to invent.
            AllowAutoCreateTopics = false,
            // A new application reads the CDC topics from their start: the snapshot is part of the history.
            AutoOffsetReset = Confluent.Kafka.AutoOffsetReset.Earliest,
            // Exactly once also makes the consumers read committed records only and the producer transactional.
            Guarantee = settings.IsExactlyOnce ? ProcessingGuarantee.EXACTLY_ONCE : ProcessingGuarantee.AT_LEAST_ONCE,
            NumStreamThreads = settings.NumStreamThreads,
            StateDir = settings.StateDir,
            SessionTimeoutMs = settings.SessionTimeoutMs,
            CompressionType = settings.Compression,
            // Main, restore and global consumers alike: every hop of a record waits for the next fetch answer.
            FetchWaitMaxMs = settings.FetchWaitMaxMs,
            PollMs = settings.PollMs,
            LingerMs = settings.ProducerLingerMs,
            Logger = loggers,
        };
        // Streamiz resets the commit interval (and, exactly once, forbids touching idempotence) when the guarantee is
        // set, so these come after it.
        config.CommitIntervalMs = settings.CommitInterval;
        config.MaxPollIntervalMs = settings.MaxPollIntervalMs;
        // At least once, a producer retry after a lost acknowledgement must not write a record twice: the changelog,
        // repartition and collective records are replayed by offset, and a duplicate would be applied as new.
        if (!settings.IsExactlyOnce) config.EnableIdempotence = true;
        ApplyConnection(kafka, config);
        return config;
    }

    /// <summary>
    /// Puts the connection and security settings on a Streamiz config, which hands them to every client it builds
    /// (main, restore and global consumers, producer, admin). StreamConfig is not a ClientConfig and its AddConfig
    /// only takes typed values, so the settings go through KafkaSettings.ApplyTo and are copied property by property.
    /// </summary>
    public static void ApplyConnection(KafkaSettings kafka, StreamConfig config)
    {
        var client = kafka.ApplyTo(new Confluent.Kafka.ClientConfig());
        config.BootstrapServers = client.BootstrapServers;
        config.SecurityProtocol = client.SecurityProtocol;
        config.SaslMechanism = client.SaslMechanism;
        config.SaslUsername = client.SaslUsername;
        config.SaslPassword = client.SaslPassword;
        config.SslCaLocation = client.SslCaLocation;
        config.SslCertificateLocation = client.SslCertificateLocation;
        config.SslKeyLocation = client.SslKeyLocation;
        config.SslKeyPassword = client.SslKeyPassword;
        config.SslEndpointIdentificationAlgorithm = client.SslEndpointIdentificationAlgorithm;
    }

    /// <summary>Reads and validates a model file; any problem is a FormatException naming the file.</summary>
    public static PropensityModel LoadModel(string path)
    {
        try { return PropensityModel.FromJson(File.ReadAllText(path)); }
        catch (Exception e) when (e is FormatException or ArgumentException or IOException)
        {
            throw new FormatException($"model file {path}: {e.Message}", e);
        }
    }

    public ProcessorOptions Options { get; }
    public SharedMovieState Movies { get; }
    public KafkaStream.State State => state;
    /// <summary>The stream failed, or a stream thread cannot resume after a revocation Streamiz could not finish.</summary>
    public bool Failed => state == KafkaStream.State.ERROR || assignments.RevocationFailure is not null;

    /// <summary>Offset commits refused while tasks were revoked, and dropped (<see cref="RevocationSafeConsumer"/>).</summary>
    public int RefusedRevocationCommits => assignments.RefusedRevocationCommits;

    /// <summary>Times the group took partitions from this instance's stream threads: rebalances, or the group dropping a thread that stopped polling.</summary>
    public int Revocations => assignments.Revocations;

    /// <summary>What this instance observes of its stream now: the input of the readiness decision.</summary>
    public StreamFacts Observe() =>
        new(assignments.RevocationFailure is null ? state.ToString() : "ERROR", threads.Read(), assignments.AssignedPartitions, DateTimeOffset.UtcNow);

    /// <summary>Null while the worker does its work, else why not (see <see cref="StreamReadiness"/>).</summary>
    public NotReady? NotReadyReason => StreamReadiness.Decide(Observe(), pollStallLimit);

    public bool Ready => NotReadyReason is null;

    /// <summary>
    /// Starts the stream threads; <paramref name="cancellation"/> only abandons the wait. Streamiz's threads keep
    /// the token they are started with and read it until they stop, so a caller's token, disposed while a thread
    /// is still closing, would crash the process: they get none, and <see cref="Dispose"/> stops them, once.
    /// </summary>
    public Task StartAsync(CancellationToken cancellation) => stream.StartAsync(CancellationToken.None).WaitAsync(cancellation);

    /// <summary>
    /// Stops the stream threads: in-flight records finish, offsets are committed, stores are closed. A stream that
    /// stopped cleanly marks its state folder so the next start resumes on it (<see cref="CleanStopMarker"/>).
    /// </summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref disposed, 1) != 0) return;
        // A thread waiting in a keep-alive for its next assignment would never see Streamiz's stop.
        assignments.Stop();
        stream.Dispose();
        deadLetters.Dispose();
        if ((state == KafkaStream.State.NOT_RUNNING || state == KafkaStream.State.CREATED) && assignments.RevocationFailure is null)
            CleanStopMarker.MarkCleanStop(stateDir, applicationId);
    }

    private readonly string stateDir;
    private readonly string applicationId;

    private int disposed;
}
