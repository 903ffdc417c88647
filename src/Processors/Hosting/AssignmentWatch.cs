using Confluent.Kafka;
using Streamiz.Kafka.Net;
using Streamiz.Kafka.Net.Kafka;
using Streamiz.Kafka.Net.Metrics;

namespace Insights.Processors.Hosting;

/// <summary>
/// Streamiz's client supplier with one addition: it sees every assignment and revocation the consumer group hands
/// each stream thread's main consumer, so readiness can tell a worker the group gave nothing (more workers than
/// partitions) from one whose tasks were dropped. The clients themselves are Streamiz's default ones.
/// </summary>
internal sealed class AssignmentWatch(IStreamConfig config) : IKafkaSupplier
{
    private readonly DefaultKafkaClientSupplier clients = new(new KafkaLoggerAdapter(config), config);
    private readonly List<Listener> listeners = [];

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

    public StreamMetricsRegistry MetricsRegistry
    {
        get => clients.MetricsRegistry;
        set => clients.MetricsRegistry = value;
    }

    public IConsumer<byte[], byte[]> GetConsumer(ConsumerConfig config, IConsumerRebalanceListener rebalanceListener)
    {
        if (rebalanceListener is null) return clients.GetConsumer(config, null);
        var listener = new Listener(rebalanceListener);
        lock (listeners) listeners.Add(listener);
        return clients.GetConsumer(config, listener);
    }

    public IProducer<byte[], byte[]> GetProducer(ProducerConfig config) => clients.GetProducer(config);
    public IConsumer<byte[], byte[]> GetRestoreConsumer(ConsumerConfig config) => clients.GetRestoreConsumer(config);
    public IAdminClient GetAdmin(AdminClientConfig config) => clients.GetAdmin(config);
    public IConsumer<byte[], byte[]> GetGlobalConsumer(ConsumerConfig config) => clients.GetGlobalConsumer(config);

    /// <summary>Streamiz's listener, called first (it creates and closes the tasks), then the count.</summary>
    private sealed class Listener(IConsumerRebalanceListener streamiz) : IConsumerRebalanceListener
    {
        private readonly HashSet<TopicPartition> partitions = [];
        private volatile bool everAssigned;

        public int? Assigned { get { lock (partitions) return everAssigned ? partitions.Count : null; } }

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
            streamiz.PartitionsRevoked(consumer, revoked);
            lock (partitions) partitions.ExceptWith(revoked.Select(p => p.TopicPartition));
        }

        public void PartitionsLost(IConsumer<byte[], byte[]> consumer, List<TopicPartitionOffset> lost)
        {
            streamiz.PartitionsLost(consumer, lost);
            lock (partitions) partitions.ExceptWith(lost.Select(p => p.TopicPartition));
        }
    }
}
