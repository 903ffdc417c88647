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
            NeighbourStaleness = settings.NeighbourStaleness,
        }.Validated();
        Movies = new SharedMovieState(model.Settings, Options.GenreNames, Options.NeighbourStaleness, Options.TimelineRetentionDays);
        var config = new StreamConfig<ByteArraySerDes, ByteArraySerDes>
        {
            ApplicationId = settings.ApplicationId,
            BootstrapServers = kafka.BootstrapServers,
            SecurityProtocol = kafka.SecurityProtocol,
            SaslMechanism = kafka.SaslMechanism,
            SaslUsername = kafka.SaslUsername,
            SaslPassword = kafka.SaslPassword,
            SslCaLocation = kafka.SslCaLocation,
            // Every topic is pre-created from the manifest: a missing one is a deployment error, not something to invent.
            AllowAutoCreateTopics = false,
            // A new application reads the CDC topics from their start: the snapshot is part of the history.
            AutoOffsetReset = Confluent.Kafka.AutoOffsetReset.Earliest,
            Guarantee = ProcessingGuarantee.AT_LEAST_ONCE,
            NumStreamThreads = settings.NumStreamThreads,
            StateDir = settings.StateDir,
            SessionTimeoutMs = settings.SessionTimeoutMs,
            Logger = loggers,
        };
        // Streamiz resets the commit interval when the guarantee is set, so it comes after.
        config.CommitIntervalMs = settings.CommitIntervalMs;
        stream = new KafkaStream(ScoringTopology.Build(Options, Movies), config);
        stream.StateChanged += (_, now) => state = now;
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

    public Task StartAsync(CancellationToken cancellation) => stream.StartAsync(cancellation);

    /// <summary>Stops the stream threads: in-flight records finish, offsets are committed, stores are closed.</summary>
    public void Dispose() => stream.Dispose();
}
