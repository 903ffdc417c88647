using Confluent.Kafka;

namespace Insights.Processors.Hosting;

/// <summary>
/// A consumer that forwards every call to <see cref="Inner"/>: the base of the wrappers this worker puts around the
/// consumers Streamiz builds, each overriding only the calls it changes.
/// </summary>
internal abstract class DelegatingConsumer(IConsumer<byte[], byte[]> inner) : IConsumer<byte[], byte[]>
{
    protected IConsumer<byte[], byte[]> Inner { get; } = inner;

    public virtual string MemberId => Inner.MemberId;
    public virtual List<TopicPartition> Assignment => Inner.Assignment;
    public virtual List<string> Subscription => Inner.Subscription;
    public virtual IConsumerGroupMetadata ConsumerGroupMetadata => Inner.ConsumerGroupMetadata;
    public virtual Handle Handle => Inner.Handle;
    public virtual string Name => Inner.Name;

    public virtual ConsumeResult<byte[], byte[]> Consume(int millisecondsTimeout) => Inner.Consume(millisecondsTimeout);
    public virtual ConsumeResult<byte[], byte[]> Consume(CancellationToken cancellationToken = default) => Inner.Consume(cancellationToken);
    public virtual ConsumeResult<byte[], byte[]> Consume(TimeSpan timeout) => Inner.Consume(timeout);
    public virtual void Subscribe(IEnumerable<string> topics) => Inner.Subscribe(topics);
    public virtual void Subscribe(string topic) => Inner.Subscribe(topic);
    public virtual void Unsubscribe() => Inner.Unsubscribe();
    public virtual void Assign(TopicPartition partition) => Inner.Assign(partition);
    public virtual void Assign(TopicPartitionOffset partition) => Inner.Assign(partition);
    public virtual void Assign(IEnumerable<TopicPartitionOffset> partitions) => Inner.Assign(partitions);
    public virtual void Assign(IEnumerable<TopicPartition> partitions) => Inner.Assign(partitions);
    public virtual void IncrementalAssign(IEnumerable<TopicPartitionOffset> partitions) => Inner.IncrementalAssign(partitions);
    public virtual void IncrementalAssign(IEnumerable<TopicPartition> partitions) => Inner.IncrementalAssign(partitions);
    public virtual void IncrementalUnassign(IEnumerable<TopicPartition> partitions) => Inner.IncrementalUnassign(partitions);
    public virtual void Unassign() => Inner.Unassign();
    public virtual void StoreOffset(ConsumeResult<byte[], byte[]> result) => Inner.StoreOffset(result);
    public virtual void StoreOffset(TopicPartitionOffset offset) => Inner.StoreOffset(offset);
    public virtual List<TopicPartitionOffset> Commit() => Inner.Commit();
    public virtual void Commit(IEnumerable<TopicPartitionOffset> offsets) => Inner.Commit(offsets);
    public virtual void Commit(ConsumeResult<byte[], byte[]> result) => Inner.Commit(result);
    public virtual void Seek(TopicPartitionOffset tpo) => Inner.Seek(tpo);
    public virtual void Pause(IEnumerable<TopicPartition> partitions) => Inner.Pause(partitions);
    public virtual void Resume(IEnumerable<TopicPartition> partitions) => Inner.Resume(partitions);
    public virtual List<TopicPartitionOffset> Committed(TimeSpan timeout) => Inner.Committed(timeout);
    public virtual List<TopicPartitionOffset> Committed(IEnumerable<TopicPartition> partitions, TimeSpan timeout) => Inner.Committed(partitions, timeout);
    public virtual Offset Position(TopicPartition partition) => Inner.Position(partition);
    public virtual List<TopicPartitionOffset> OffsetsForTimes(IEnumerable<TopicPartitionTimestamp> timestampsToSearch, TimeSpan timeout) => Inner.OffsetsForTimes(timestampsToSearch, timeout);
    public virtual WatermarkOffsets GetWatermarkOffsets(TopicPartition topicPartition) => Inner.GetWatermarkOffsets(topicPartition);
    public virtual WatermarkOffsets QueryWatermarkOffsets(TopicPartition topicPartition, TimeSpan timeout) => Inner.QueryWatermarkOffsets(topicPartition, timeout);
    public virtual void Close() => Inner.Close();
    public virtual int AddBrokers(string brokers) => Inner.AddBrokers(brokers);
    public virtual void SetSaslCredentials(string username, string password) => Inner.SetSaslCredentials(username, password);
    public virtual void Dispose() => Inner.Dispose();
}
