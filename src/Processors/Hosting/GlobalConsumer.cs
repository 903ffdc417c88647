using Confluent.Kafka;

namespace Insights.Processors.Hosting;

/// <summary>
/// The global stream thread's consumer, Streamiz's own, with one change: a seek to the offset the assignment just set
/// is not passed on. Streamiz 1.8.2 assigns the global topics' partitions at their start offsets and then seeks each
/// partition to that same offset; librdkafka refuses a seek on a partition whose fetcher has not started yet ("Local:
/// Erroneous state"), which failed a worker's start now and then. Such a seek changes nothing, so it is dropped; any
/// other seek, and every seek once the consumer has polled, goes through.
/// </summary>
internal sealed class GlobalConsumer(IConsumer<byte[], byte[]> inner) : DelegatingConsumer(inner)
{
    private readonly Dictionary<TopicPartition, Offset> assignedStarts = [];

    public override void Assign(IEnumerable<TopicPartitionOffset> partitions)
    {
        var list = partitions.ToList();
        base.Assign(list);
        assignedStarts.Clear();
        foreach (var partition in list) assignedStarts[partition.TopicPartition] = partition.Offset;
    }

    public override void Seek(TopicPartitionOffset tpo)
    {
        if (assignedStarts.Remove(tpo.TopicPartition, out var start) && start == tpo.Offset) return;
        base.Seek(tpo);
    }

    public override ConsumeResult<byte[], byte[]> Consume(int millisecondsTimeout) { assignedStarts.Clear(); return base.Consume(millisecondsTimeout); }
    public override ConsumeResult<byte[], byte[]> Consume(CancellationToken cancellationToken = default) { assignedStarts.Clear(); return base.Consume(cancellationToken); }
    public override ConsumeResult<byte[], byte[]> Consume(TimeSpan timeout) { assignedStarts.Clear(); return base.Consume(timeout); }
}
