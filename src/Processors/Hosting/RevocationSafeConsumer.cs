using Confluent.Kafka;
using Microsoft.Extensions.Logging;

namespace Insights.Processors.Hosting;

/// <summary>
/// A stream thread's main consumer, Streamiz's own, with one change: an offset commit that fails while Streamiz revokes
/// the thread's tasks (inside the rebalance callback) is logged and dropped instead of thrown.
/// <para>
/// Why: Streamiz 1.8.2 commits the revoked tasks' offsets in its revocation handler and turns any commit failure into a
/// TaskMigratedException. Thrown from there it skips the rest of the revocation: the tasks, already taken out of the
/// thread's task list, are never suspended or closed, and the task manager's RebalanceInProgress flag, set for the
/// revocation, is never cleared (no try/finally). The stream thread neither processes nor polls while that flag is set,
/// so it never serves the next assignment: librdkafka waits in join-state wait-assign-call, the partitions the group
/// gives this member are not processed until the group removes it (max.poll.interval.ms, 300 s by default, or a later
/// rebalance), and the worker does nothing from then on. The commit fails whenever the coordinator refuses it: on Kafka
/// when the member was already removed from the group (a session timeout, a join phase it missed); on the local mock
/// broker at every rebalance where the heartbeat reported the rebalance before a periodic commit did (the mock refuses
/// commits while the group is joining; Kafka accepts them then).
/// </para>
/// <para>
/// Dropping the failure lets the revocation finish as designed: the stores are flushed (changelogs written) and closed,
/// the thread's state and flag are reset, and the consumer rejoins at once. The offsets of the revoked partitions stay
/// at the last successful commit, so the next owner replays the records processed since, as after a crash; the topology
/// absorbs replays (docs/processors.md, Replay safety). A revocation does not purge repartition records (only
/// Streamiz's periodic commit does, up to what it committed), so nothing a replay needs is deleted. Commits outside a
/// revocation, and fatal errors, pass through unchanged: a periodic commit's failure must reach Streamiz, which would
/// otherwise purge repartition records up to offsets that were never committed.
/// </para>
/// </summary>
internal sealed class RevocationSafeConsumer(IConsumer<byte[], byte[]> inner, Func<bool> revoking, ILogger logger) : IConsumer<byte[], byte[]>
{
    /// <summary>Commits refused during a revocation since the consumer was built.</summary>
    public int RefusedRevocationCommits => refused;

    private int refused;

    public void Commit(IEnumerable<TopicPartitionOffset> offsets)
    {
        var list = offsets as IReadOnlyCollection<TopicPartitionOffset> ?? [.. offsets];
        try
        {
            inner.Commit(list);
        }
        catch (KafkaException e) when (revoking() && !e.Error.IsFatal)
        {
            Interlocked.Increment(ref refused);
            logger.LogWarning("offset commit of {Count} revoked partitions refused ({Error}); the revocation goes on and the next owner replays from the last commit",
                list.Count, e.Error.Reason);
        }
    }

    public string MemberId => inner.MemberId;
    public List<TopicPartition> Assignment => inner.Assignment;
    public List<string> Subscription => inner.Subscription;
    public IConsumerGroupMetadata ConsumerGroupMetadata => inner.ConsumerGroupMetadata;
    public Handle Handle => inner.Handle;
    public string Name => inner.Name;

    public ConsumeResult<byte[], byte[]> Consume(int millisecondsTimeout) => inner.Consume(millisecondsTimeout);
    public ConsumeResult<byte[], byte[]> Consume(CancellationToken cancellationToken = default) => inner.Consume(cancellationToken);
    public ConsumeResult<byte[], byte[]> Consume(TimeSpan timeout) => inner.Consume(timeout);
    public void Subscribe(IEnumerable<string> topics) => inner.Subscribe(topics);
    public void Subscribe(string topic) => inner.Subscribe(topic);
    public void Unsubscribe() => inner.Unsubscribe();
    public void Assign(TopicPartition partition) => inner.Assign(partition);
    public void Assign(TopicPartitionOffset partition) => inner.Assign(partition);
    public void Assign(IEnumerable<TopicPartitionOffset> partitions) => inner.Assign(partitions);
    public void Assign(IEnumerable<TopicPartition> partitions) => inner.Assign(partitions);
    public void IncrementalAssign(IEnumerable<TopicPartitionOffset> partitions) => inner.IncrementalAssign(partitions);
    public void IncrementalAssign(IEnumerable<TopicPartition> partitions) => inner.IncrementalAssign(partitions);
    public void IncrementalUnassign(IEnumerable<TopicPartition> partitions) => inner.IncrementalUnassign(partitions);
    public void Unassign() => inner.Unassign();
    public void StoreOffset(ConsumeResult<byte[], byte[]> result) => inner.StoreOffset(result);
    public void StoreOffset(TopicPartitionOffset offset) => inner.StoreOffset(offset);
    public List<TopicPartitionOffset> Commit() => inner.Commit();
    public void Commit(ConsumeResult<byte[], byte[]> result) => inner.Commit(result);
    public void Seek(TopicPartitionOffset tpo) => inner.Seek(tpo);
    public void Pause(IEnumerable<TopicPartition> partitions) => inner.Pause(partitions);
    public void Resume(IEnumerable<TopicPartition> partitions) => inner.Resume(partitions);
    public List<TopicPartitionOffset> Committed(TimeSpan timeout) => inner.Committed(timeout);
    public List<TopicPartitionOffset> Committed(IEnumerable<TopicPartition> partitions, TimeSpan timeout) => inner.Committed(partitions, timeout);
    public Offset Position(TopicPartition partition) => inner.Position(partition);
    public List<TopicPartitionOffset> OffsetsForTimes(IEnumerable<TopicPartitionTimestamp> timestampsToSearch, TimeSpan timeout) => inner.OffsetsForTimes(timestampsToSearch, timeout);
    public WatermarkOffsets GetWatermarkOffsets(TopicPartition topicPartition) => inner.GetWatermarkOffsets(topicPartition);
    public WatermarkOffsets QueryWatermarkOffsets(TopicPartition topicPartition, TimeSpan timeout) => inner.QueryWatermarkOffsets(topicPartition, timeout);
    public void Close() => inner.Close();
    public int AddBrokers(string brokers) => inner.AddBrokers(brokers);
    public void SetSaslCredentials(string username, string password) => inner.SetSaslCredentials(username, password);
    public void Dispose() => inner.Dispose();
}
