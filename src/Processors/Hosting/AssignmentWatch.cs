using Confluent.Kafka;
using Microsoft.Extensions.Logging;
using Streamiz.Kafka.Net;
using Streamiz.Kafka.Net.Kafka;
using Streamiz.Kafka.Net.Metrics;

namespace Insights.Processors.Hosting;

/// <summary>
/// Streamiz's client supplier with one addition: it sees every assignment and revocation the consumer group hands
/// each stream thread's main consumer, so readiness can tell a worker the group gave nothing (more workers than
/// partitions) from one whose tasks were dropped. The clients themselves are Streamiz's default ones, with three changes
/// to each stream thread's main consumer: a commit that fails while Streamiz revokes tasks does not abort the revocation
/// (<see cref="RevocationSafeConsumer"/>), it is polled while the thread restores its tasks so that it stays in the group
/// (<see cref="RestoreKeepAlive"/>, driven by the thread's restore consumer), and it gets <paramref name="consumerDebug"/>
/// as librdkafka's `debug` (the group protocol's log, for a rebalance to explain).
/// </summary>
internal sealed class AssignmentWatch(IStreamConfig config, string? consumerDebug = null) : IKafkaSupplier
{
    private readonly DefaultKafkaClientSupplier clients = new(new KafkaLoggerAdapter(config), config);
    private readonly ILogger logger = (config.Logger ?? Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance).CreateLogger("Insights.Processors.Hosting.AssignmentWatch");
    private readonly List<Listener> listeners = [];
    private readonly List<RevocationSafeConsumer> consumers = [];

    /// <summary>Each stream thread's keep-alive, by the thread's client id: Streamiz builds a thread's restore consumer first, then its main consumer.</summary>
    private readonly Dictionary<string, RestoreKeepAlive> keepAlives = [];

    // Streamiz 1.8.2 names a thread's consumers after the thread (StreamThread.GetConsumerClientId, GetRestoreConsumerClientId).
    private const string MainConsumerSuffix = "-streamiz-consumer";
    private const string RestoreConsumerSuffix = "-streamiz-restore-consumer";

    /// <summary>Partitions currently assigned to this instance's main consumers; null until the group first assigned any consumer.</summary>
    public int? AssignedPartitions
    {
        get
        {
            lock (listeners)
            {
                var assigned = listeners.Where(l => l.Assigned is not null).ToList();
                return assigned.Count == 0 ? null : assigned.Sum(l => l.Assigned!.Value);
            }
        }
    }

    /// <summary>Offset commits refused while tasks were revoked, and dropped (the next owner replays from the last commit).</summary>
    public int RefusedRevocationCommits { get { lock (listeners) return consumers.Sum(c => c.RefusedRevocationCommits); } }

    /// <summary>Times the group took partitions from this instance's stream threads (a rebalance, or the group dropping a consumer that stopped polling).</summary>
    public int Revocations { get { lock (listeners) return listeners.Sum(l => l.Revocations); } }

    /// <summary>
    /// A revocation Streamiz could not finish (it threw), or null. Its stream thread cannot go on: Streamiz leaves the
    /// thread's rebalance flag set, and the thread does not poll while it is set, so the worker must stop and restart.
    /// </summary>
    public Exception? RevocationFailure { get { lock (listeners) return listeners.Select(l => l.Failure).FirstOrDefault(f => f is not null); } }

    public StreamMetricsRegistry MetricsRegistry
    {
        get => clients.MetricsRegistry;
        set => clients.MetricsRegistry = value;
    }

    public IConsumer<byte[], byte[]> GetConsumer(ConsumerConfig config, IConsumerRebalanceListener rebalanceListener)
    {
        if (rebalanceListener is null) return clients.GetConsumer(config, null);
        if (consumerDebug is { Length: > 0 })
            config.Debug = string.Join(',', consumerDebug.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries));
        var keepAlive = KeepAliveOf(config.ClientId, MainConsumerSuffix)
            ?? throw new InvalidOperationException($"Streamiz {typeof(KafkaStream).Assembly.GetName().Version} built the main consumer {config.ClientId} " +
                $"without a restore consumer named like it (*{RestoreConsumerSuffix}); the worker keeps restoring threads in their group with it " +
                "(src/Processors/Hosting/RestoreKeepAlive.cs), which must be adapted to this version");
        var listener = new Listener(rebalanceListener, keepAlive, logger);
        var consumer = new RevocationSafeConsumer(keepAlive.WrapMain(clients.GetConsumer(config, listener)), () => listener.Revoking, logger);
        lock (listeners)
        {
            listeners.Add(listener);
            consumers.Add(consumer);
        }
        return consumer;
    }

    public IProducer<byte[], byte[]> GetProducer(ProducerConfig config) => new PromptFlushProducer(clients.GetProducer(config));
    public IConsumer<byte[], byte[]> GetRestoreConsumer(ConsumerConfig config)
    {
        var keepAlive = new RestoreKeepAlive(logger);
        lock (listeners) keepAlives[ThreadOf(config.ClientId, RestoreConsumerSuffix)] = keepAlive;
        return keepAlive.WrapRestore(clients.GetRestoreConsumer(config));
    }

    /// <summary>The stream is stopping: threads waiting in a keep-alive for their next assignment stop waiting.</summary>
    public void Stop()
    {
        lock (listeners)
            foreach (var keepAlive in keepAlives.Values) keepAlive.Stop();
    }

    private RestoreKeepAlive? KeepAliveOf(string clientId, string suffix)
    {
        lock (listeners) return keepAlives.GetValueOrDefault(ThreadOf(clientId, suffix));
    }

    private static string ThreadOf(string clientId, string suffix) => clientId.EndsWith(suffix, StringComparison.Ordinal) ? clientId[..^suffix.Length] : clientId;
    public IAdminClient GetAdmin(AdminClientConfig config) => clients.GetAdmin(config);
    public IConsumer<byte[], byte[]> GetGlobalConsumer(ConsumerConfig config) => new GlobalConsumer(clients.GetGlobalConsumer(config));

    /// <summary>Streamiz's listener, called first (it creates and closes the tasks), then the count.</summary>
    private sealed class Listener(IConsumerRebalanceListener streamiz, RestoreKeepAlive keepAlive, ILogger logger) : IConsumerRebalanceListener
    {
        private readonly HashSet<TopicPartition> partitions = [];
        private volatile bool everAssigned;
        private volatile bool revoking;

        public int? Assigned { get { lock (partitions) return everAssigned ? partitions.Count : null; } }

        /// <summary>Streamiz is revoking this consumer's tasks (the rebalance callback runs on the stream thread, inside its poll).</summary>
        public bool Revoking => revoking;

        public Exception? Failure { get; private set; }

        public int Revocations => revocations;

        private int revocations;

        public void PartitionsAssigned(IConsumer<byte[], byte[]> consumer, List<TopicPartition> assigned)
        {
            streamiz.PartitionsAssigned(consumer, assigned);
            keepAlive.Assigned();
            lock (partitions)
            {
                partitions.UnionWith(assigned);
                everAssigned = true;
            }
        }

        public void PartitionsRevoked(IConsumer<byte[], byte[]> consumer, List<TopicPartitionOffset> revoked)
        {
            revoking = true;
            try
            {
                streamiz.PartitionsRevoked(consumer, revoked);
            }
            catch (Exception e)
            {
                // Streamiz's thread cannot resume after a revocation it did not finish (its rebalance flag stays set, and
                // the thread does not poll while it is), so the worker reports a failure and stops to be restarted.
                Failure = e;
                logger.LogError(e, "revoking {Count} partitions failed in Streamiz; the stream thread cannot resume, the worker stops", revoked.Count);
            }
            finally
            {
                revoking = false;
            }
            Taken([.. revoked.Select(p => p.TopicPartition)]);
        }

        public void PartitionsLost(IConsumer<byte[], byte[]> consumer, List<TopicPartitionOffset> lost)
        {
            streamiz.PartitionsLost(consumer, lost);
            Taken([.. lost.Select(p => p.TopicPartition)]);
        }

        private void Taken(List<TopicPartition> taken)
        {
            Interlocked.Increment(ref revocations);
            keepAlive.Revoked(taken);
            lock (partitions) partitions.ExceptWith(taken);
        }
    }
}
