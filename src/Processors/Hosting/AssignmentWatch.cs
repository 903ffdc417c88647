using Confluent.Kafka;
using Microsoft.Extensions.Logging;
using Streamiz.Kafka.Net;
using Streamiz.Kafka.Net.Kafka;
using Streamiz.Kafka.Net.Metrics;

namespace Insights.Processors.Hosting;

/// <summary>
/// Streamiz's client supplier with one addition: it sees every assignment and revocation the consumer group hands
/// each stream thread's main consumer, so readiness can tell a worker the group gave nothing (more workers than
/// partitions) from one whose tasks were dropped. The clients themselves are Streamiz's default ones, with two changes
/// to the main consumers: a commit that fails while Streamiz revokes tasks does not abort the revocation
/// (<see cref="RevocationSafeConsumer"/>), and they get <paramref name="consumerDebug"/> as librdkafka's `debug` (the
/// group protocol's log, for a rebalance to explain).
/// </summary>
internal sealed class AssignmentWatch(IStreamConfig config, string? consumerDebug = null) : IKafkaSupplier
{
    private readonly DefaultKafkaClientSupplier clients = new(new KafkaLoggerAdapter(config), config);
    private readonly ILogger logger = (config.Logger ?? Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance).CreateLogger("Insights.Processors.Hosting.AssignmentWatch");
    private readonly List<Listener> listeners = [];
    private readonly List<RevocationSafeConsumer> consumers = [];

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
        var listener = new Listener(rebalanceListener, logger);
        var consumer = new RevocationSafeConsumer(clients.GetConsumer(config, listener), () => listener.Revoking, logger);
        lock (listeners)
        {
            listeners.Add(listener);
            consumers.Add(consumer);
        }
        return consumer;
    }

    public IProducer<byte[], byte[]> GetProducer(ProducerConfig config) => clients.GetProducer(config);
    public IConsumer<byte[], byte[]> GetRestoreConsumer(ConsumerConfig config) => clients.GetRestoreConsumer(config);
    public IAdminClient GetAdmin(AdminClientConfig config) => clients.GetAdmin(config);
    public IConsumer<byte[], byte[]> GetGlobalConsumer(ConsumerConfig config) => clients.GetGlobalConsumer(config);

    /// <summary>Streamiz's listener, called first (it creates and closes the tasks), then the count.</summary>
    private sealed class Listener(IConsumerRebalanceListener streamiz, ILogger logger) : IConsumerRebalanceListener
    {
        private readonly HashSet<TopicPartition> partitions = [];
        private volatile bool everAssigned;
        private volatile bool revoking;

        public int? Assigned { get { lock (partitions) return everAssigned ? partitions.Count : null; } }

        /// <summary>Streamiz is revoking this consumer's tasks (the rebalance callback runs on the stream thread, inside its poll).</summary>
        public bool Revoking => revoking;

        public Exception? Failure { get; private set; }

        public void PartitionsAssigned(IConsumer<byte[], byte[]> consumer, List<TopicPartition> assigned)
        {
            streamiz.PartitionsAssigned(consumer, assigned);
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
            lock (partitions) partitions.ExceptWith(revoked.Select(p => p.TopicPartition));
        }

        public void PartitionsLost(IConsumer<byte[], byte[]> consumer, List<TopicPartitionOffset> lost)
        {
            streamiz.PartitionsLost(consumer, lost);
            lock (partitions) partitions.ExceptWith(lost.Select(p => p.TopicPartition));
        }
    }
}
