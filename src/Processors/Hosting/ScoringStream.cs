using Insights.Contracts.Configuration;
using Insights.Processors.Movies;
using Insights.Processors.Topology;
using Insights.Propensity.Scoring;
using Microsoft.Extensions.Logging;
using Streamiz.Kafka.Net;
using Streamiz.Kafka.Net.SerDes;

namespace Insights.Processors.Hosting;

/// <summary>
/// The scoring topology running against Kafka: one Streamiz application instance in this process. Ready is
/// true only while the stream is RUNNING (not while it rebalances or restores), which is what a readiness
/// probe should report.
/// </summary>
public sealed class ScoringStream : IDisposable
{
    private readonly KafkaStream stream;
    private volatile KafkaStream.State state = KafkaStream.State.CREATED;

    public ScoringStream(WorkerSettings settings, KafkaSettings kafka, ILoggerFactory loggers)
        : this(settings, LoadModel(settings.ModelPath), kafka, loggers) { }

    public ScoringStream(WorkerSettings settings, PropensityModel model, KafkaSettings kafka, ILoggerFactory loggers)
    {
        Options = new ProcessorOptions
        {
            ApplicationId = settings.ApplicationId, TopicPrefix = settings.TopicPrefix, Partitions = settings.Partitions,
            Model = model, FlushInterval = TimeSpan.FromMilliseconds(settings.FlushIntervalMs), RescoreBatch = settings.RescoreBatch,
            NeighbourStaleness = settings.NeighbourStaleness, Restoration = new StoreRestoration(),
        }.Validated();
        Movies = new SharedMovieState(model.Settings, Options.GenreNames);
        var config = new StreamConfig<ByteArraySerDes, ByteArraySerDes>
        {
            ApplicationId = settings.ApplicationId,
            // Every topic is pre-created from the manifest: a missing one is a deployment error, not something to invent.
            AllowAutoCreateTopics = false,
            // A new application reads the CDC topics from their start: the snapshot is part of the history.
            AutoOffsetReset = Confluent.Kafka.AutoOffsetReset.Earliest,
            Guarantee = ProcessingGuarantee.AT_LEAST_ONCE,
            NumStreamThreads = settings.NumStreamThreads,
            StateDir = settings.StateDir,
            SessionTimeoutMs = settings.SessionTimeoutMs,
            CompressionType = settings.Compression,
            Logger = loggers,
        };
        // Streamiz resets the commit interval when the guarantee is set, so it comes after.
        config.CommitIntervalMs = settings.CommitIntervalMs;
        ApplyConnection(kafka, config);
        stream = new KafkaStream(ScoringTopology.Build(Options, Movies), config);
        stream.StateChanged += (_, now) => state = now;
        stream.OnRestoreEndEvent += (partition, store, _) => Options.Restoration!.Ended(store, partition.Partition.Value);
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
    public bool Ready => state == KafkaStream.State.RUNNING;
    public bool Failed => state == KafkaStream.State.ERROR;

    /// <summary>
    /// Starts the stream threads; <paramref name="cancellation"/> only abandons the wait. Streamiz's threads keep
    /// the token they are started with and read it until they stop, so a caller's token, disposed while a thread
    /// is still closing, would crash the process: they get none, and <see cref="Dispose"/> stops them, once.
    /// </summary>
    public Task StartAsync(CancellationToken cancellation) => stream.StartAsync(CancellationToken.None).WaitAsync(cancellation);

    /// <summary>Stops the stream threads: in-flight records finish, offsets are committed, stores are closed.</summary>
    public void Dispose() => stream.Dispose();
}
