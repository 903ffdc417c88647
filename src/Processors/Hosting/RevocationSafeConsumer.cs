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
internal sealed class RevocationSafeConsumer(IConsumer<byte[], byte[]> inner, Func<bool> revoking, ILogger logger) : DelegatingConsumer(inner)
{
    /// <summary>Commits refused during a revocation since the consumer was built.</summary>
    public int RefusedRevocationCommits => refused;

    private int refused;

    public override void Commit(IEnumerable<TopicPartitionOffset> offsets)
    {
        var list = offsets as IReadOnlyCollection<TopicPartitionOffset> ?? [.. offsets];
        try
        {
            Inner.Commit(list);
        }
        catch (KafkaException e) when (revoking() && !e.Error.IsFatal)
        {
            Interlocked.Increment(ref refused);
            logger.LogWarning("offset commit of {Count} revoked partitions refused ({Error}); the revocation goes on and the next owner replays from the last commit",
                list.Count, e.Error.Reason);
        }
    }
}
