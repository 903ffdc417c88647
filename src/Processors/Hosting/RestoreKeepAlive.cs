using System.Diagnostics;
using Confluent.Kafka;
using Microsoft.Extensions.Logging;

namespace Insights.Processors.Hosting;

/// <summary>
/// Keeps a stream thread's main consumer in its group while the thread restores its tasks' stores, as Kafka Streams does.
/// <para>
/// Why: Streamiz 1.8.2 does not poll the main consumer while any task of the thread restores (StreamThread.PollRequest
/// sleeps instead while restorationInProgress is set, and RestorePhase clears it only once every task is restored). A
/// restore longer than max.poll.interval.ms makes librdkafka leave the group, and the thread's first poll after the restore
/// throws "Application maximum poll interval exceeded"; Streamiz's default inner-exception handler stops the thread, the
/// stream goes to ERROR and the worker exits. Its restart finds no clean-stop mark, empties the state folder
/// (<see cref="CleanStopMarker"/>) and restores it all again: a loop. Kafka Streams polls the main consumer with a zero
/// timeout on every loop of a restore, the restoring tasks' partitions paused.
/// </para>
/// <para>
/// How: Streamiz polls the thread's restore consumer once per restore batch. Before such a poll (at most every
/// <see cref="Interval"/>) this pauses the main consumer's partitions and polls it with a zero timeout, which resets
/// librdkafka's max.poll.interval.ms clock and serves the group's rebalance callbacks on the stream thread, as Streamiz's
/// own poll would. The pauses are lifted by Streamiz's next own poll (the restore is done); a record the keep-alive poll
/// returns all the same is handed to that poll.
/// </para>
/// <para>
/// Two rules keep Streamiz's restore consistent. The keep-alive poll runs only before the first record of a batch: a
/// revocation served there unregisters changelogs, and a record of an unregistered changelog in Streamiz's current batch
/// would fail the thread. A batch ends when Streamiz calls the restore consumer for anything but records (it files each
/// batch into its changelogs before it calls Position, Pause or the assignment calls). And a revocation served there leaves
/// the thread with no task but still marked as restoring, which it would stay for good (it polls again only once restored):
/// so the keep-alive polls on until the group hands the thread its next assignment, whose tasks Streamiz then restores as
/// after any rebalance, from the checkpoints the revocation wrote.
/// </para>
/// </summary>
internal sealed class RestoreKeepAlive(ILogger logger)
{
    /// <summary>The longest gap between keep-alive polls while batches are restored: far below the 10 s max.poll.interval.ms a worker accepts at least.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(500);

    /// <summary>How long each poll waits while the thread waits for its next assignment.</summary>
    private static readonly TimeSpan RebalancePoll = TimeSpan.FromMilliseconds(100);

    private readonly Queue<ConsumeResult<byte[], byte[]>> held = new();
    private readonly HashSet<TopicPartition> pausedByStreamiz = [];
    private IConsumer<byte[], byte[]>? main;
    private bool paused;
    private bool awaitingAssignment;
    private int revocations;
    private long lastPoll;
    private volatile bool stopped;

    /// <summary>The thread's main consumer, as Streamiz gets it: the pauses and held records are undone at its next poll.</summary>
    public IConsumer<byte[], byte[]> WrapMain(IConsumer<byte[], byte[]> consumer)
    {
        main = consumer;
        return new MainConsumer(consumer, this);
    }

    /// <summary>The thread's restore consumer, as Streamiz gets it: each restore batch may first poll the main consumer.</summary>
    public IConsumer<byte[], byte[]> WrapRestore(IConsumer<byte[], byte[]> consumer) => new RestoreConsumer(consumer, this);

    /// <summary>The group assigned the thread's main consumer its partitions (called after Streamiz created the tasks).</summary>
    public void Assigned() => awaitingAssignment = false;

    /// <summary>The group took partitions from the thread's main consumer (called after Streamiz closed their tasks).</summary>
    public void Revoked(IReadOnlyCollection<TopicPartition> partitions)
    {
        revocations++;
        awaitingAssignment = true;
        pausedByStreamiz.ExceptWith(partitions);
        // A held record of a revoked partition is its next owner's to read; kept, it would reach this thread twice if the
        // partition came back (the new assignment reads from the committed offset, before it).
        var kept = held.Where(r => !partitions.Contains(r.TopicPartition)).ToList();
        held.Clear();
        foreach (var record in kept) held.Enqueue(record);
    }

    /// <summary>The stream is stopping: a thread waiting for an assignment stops waiting, and no more keep-alive polls are made.</summary>
    public void Stop() => stopped = true;

    private void BeforeRestoreBatch()
    {
        if (main is null || stopped || (lastPoll != 0 && Stopwatch.GetElapsedTime(lastPoll) < Interval)) return;
        lastPoll = Stopwatch.GetTimestamp();
        PauseAssigned();
        var before = revocations;
        Poll(TimeSpan.Zero);
        if (revocations == before) return;
        logger.LogInformation("a rebalance took the partitions of a stream thread that was restoring its tasks; polling until the group assigns it again");
        while (awaitingAssignment && !stopped) Poll(RebalancePoll);
        logger.LogInformation("the group assigned the stream thread {Count} partitions; their tasks restore now", main.Assignment.Count);
        lastPoll = Stopwatch.GetTimestamp();
    }

    private void PauseAssigned()
    {
        var assigned = main!.Assignment;
        if (assigned.Count == 0) return;
        main.Pause(assigned);
        paused = true;
    }

    private void Poll(TimeSpan timeout)
    {
        try
        {
            if (main!.Consume(timeout) is { } record) held.Enqueue(record);
        }
        catch (KafkaException e) when (!e.Error.IsFatal)
        {
            // Streamiz would stop the thread on it; the keep-alive's purpose is to stay in the group, which a non-fatal
            // consumer error does not end (librdkafka rejoins on the next poll if it left).
            logger.LogWarning("keep-alive poll of a restoring stream thread's consumer: {Error}", e.Error.Reason);
        }
    }

    /// <summary>Streamiz is about to poll the main consumer itself: lift the keep-alive's pauses, unless Streamiz paused the partition.</summary>
    private ConsumeResult<byte[], byte[]>? BeforeStreamizPoll()
    {
        if (held.TryDequeue(out var record)) return record;
        if (!paused) return null;
        paused = false;
        var resume = main!.Assignment.Where(p => !pausedByStreamiz.Contains(p)).ToList();
        if (resume.Count > 0) main.Resume(resume);
        return null;
    }

    private sealed class MainConsumer(IConsumer<byte[], byte[]> inner, RestoreKeepAlive keepAlive) : DelegatingConsumer(inner)
    {
        public override ConsumeResult<byte[], byte[]> Consume(int millisecondsTimeout) => keepAlive.BeforeStreamizPoll() ?? Inner.Consume(millisecondsTimeout);
        public override ConsumeResult<byte[], byte[]> Consume(CancellationToken cancellationToken = default) => keepAlive.BeforeStreamizPoll() ?? Inner.Consume(cancellationToken);
        public override ConsumeResult<byte[], byte[]> Consume(TimeSpan timeout) => keepAlive.BeforeStreamizPoll() ?? Inner.Consume(timeout);

        public override void Pause(IEnumerable<TopicPartition> partitions)
        {
            var list = partitions.ToList();
            Inner.Pause(list);
            keepAlive.pausedByStreamiz.UnionWith(list);
        }

        public override void Resume(IEnumerable<TopicPartition> partitions)
        {
            var list = partitions.ToList();
            Inner.Resume(list);
            keepAlive.pausedByStreamiz.ExceptWith(list);
        }
    }

    private sealed class RestoreConsumer(IConsumer<byte[], byte[]> inner, RestoreKeepAlive keepAlive) : DelegatingConsumer(inner)
    {
        /// <summary>A record was returned since the last call that ends a batch.</summary>
        private bool inBatch;

        public override ConsumeResult<byte[], byte[]> Consume(int millisecondsTimeout) => Read(() => Inner.Consume(millisecondsTimeout));
        public override ConsumeResult<byte[], byte[]> Consume(CancellationToken cancellationToken = default) => Read(() => Inner.Consume(cancellationToken));
        public override ConsumeResult<byte[], byte[]> Consume(TimeSpan timeout) => Read(() => Inner.Consume(timeout));

        // The calls Streamiz makes after it filed a batch (Position, Pause) or before its next (the assignment calls and the
        // end offsets of new changelogs). Not Assignment: Streamiz reads it between the polls of one batch.
        public override Offset Position(TopicPartition partition) { inBatch = false; return Inner.Position(partition); }
        public override void Pause(IEnumerable<TopicPartition> partitions) { inBatch = false; Inner.Pause(partitions); }
        public override void Resume(IEnumerable<TopicPartition> partitions) { inBatch = false; Inner.Resume(partitions); }
        public override void IncrementalAssign(IEnumerable<TopicPartitionOffset> partitions) { inBatch = false; Inner.IncrementalAssign(partitions); }
        public override void IncrementalUnassign(IEnumerable<TopicPartition> partitions) { inBatch = false; Inner.IncrementalUnassign(partitions); }
        public override WatermarkOffsets QueryWatermarkOffsets(TopicPartition topicPartition, TimeSpan timeout) { inBatch = false; return Inner.QueryWatermarkOffsets(topicPartition, timeout); }

        private ConsumeResult<byte[], byte[]> Read(Func<ConsumeResult<byte[], byte[]>> consume)
        {
            if (!inBatch) keepAlive.BeforeRestoreBatch();
            var record = consume();
            if (record is not null) inBatch = true;
            return record!;
        }
    }
}
