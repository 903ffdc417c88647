using Confluent.Kafka;

namespace Insights.Processors.Hosting;

/// <summary>
/// A producer whose <c>Flush</c> returns as soon as every record produced through it has its delivery report. Streamiz
/// 1.8.2 flushes the thread's producer once per task at every commit, and librdkafka's flush, whose delivery reports
/// the client's own poll thread takes, re-checks its queue every 10 ms: a worker with 16 tasks stalled about 150 ms
/// per commit, most of its event-to-score p99. Counting the reports gives the same guarantee (nothing produced before
/// the flush is still unacknowledged when it returns) without the sleeps. Unlike librdkafka's flush it does not cut the
/// producer's linger short, which is why the worker's linger defaults to 0 (<see cref="WorkerSettings.ProducerLingerMs"/>).
/// A full local queue (librdkafka holds 100,000 records by default) makes a produce call wait for room, as Kafka's Java
/// producer blocks for up to max.block.ms, instead of failing: Streamiz 1.8.2 fails the task on it, and a movie task's
/// commit after a catch-up over a long history writes more changelog cells at once than the queue holds (the demo's
/// worker died of it on a fast machine), so the restarted worker met the same burst again.
/// Everything else is the wrapped producer's.
/// </summary>
public sealed class PromptFlushProducer(IProducer<byte[], byte[]> inner) : IProducer<byte[], byte[]>
{
    /// <summary>How long a produce call waits for room in a full local queue before it fails (Java's max.block.ms default).</summary>
    public static readonly TimeSpan QueueFullWait = TimeSpan.FromSeconds(60);

    private readonly object gate = new();
    private long outstanding;

    public void Produce(string topic, Message<byte[], byte[]> message, Action<DeliveryReport<byte[], byte[]>>? deliveryHandler = null) =>
        ProduceWhenRoom(static (inner, topic, message, delivered) => inner.Produce(topic, message, delivered), topic, message, deliveryHandler);

    public void Produce(TopicPartition topicPartition, Message<byte[], byte[]> message, Action<DeliveryReport<byte[], byte[]>>? deliveryHandler = null) =>
        ProduceWhenRoom(static (inner, partition, message, delivered) => inner.Produce(partition, message, delivered), topicPartition, message, deliveryHandler);

    // The produce call comes as a static lambda with its arguments, not as a closure: this runs for every record a worker writes.
    private void ProduceWhenRoom<TTarget>(Action<IProducer<byte[], byte[]>, TTarget, Message<byte[], byte[]>, Action<DeliveryReport<byte[], byte[]>>> produce,
        TTarget target, Message<byte[], byte[]> message, Action<DeliveryReport<byte[], byte[]>>? deliveryHandler)
    {
        Sending();
        var delivered = Delivered(deliveryHandler);
        long waitingSince = 0;
        while (true)
        {
            try
            {
                produce(inner, target, message, delivered);
                return;
            }
            catch (ProduceException<byte[], byte[]> e) when (e.Error.Code == ErrorCode.Local_QueueFull && Waited(ref waitingSince) < QueueFullWait)
            {
                // Delivery reports make room; the client's own poll thread takes them.
                Thread.Sleep(5);
            }
            catch
            {
                Done();
                throw;
            }
        }
    }

    /// <summary>Time since the first full queue of this produce call (which it marks, on the first call).</summary>
    private static TimeSpan Waited(ref long since)
    {
        if (since == 0) since = System.Diagnostics.Stopwatch.GetTimestamp();
        return System.Diagnostics.Stopwatch.GetElapsedTime(since);
    }

    public async Task<DeliveryResult<byte[], byte[]>> ProduceAsync(string topic, Message<byte[], byte[]> message, CancellationToken cancellationToken = default)
    {
        Sending();
        try { return await inner.ProduceAsync(topic, message, cancellationToken).ConfigureAwait(false); }
        finally { Done(); }
    }

    public async Task<DeliveryResult<byte[], byte[]>> ProduceAsync(TopicPartition topicPartition, Message<byte[], byte[]> message, CancellationToken cancellationToken = default)
    {
        Sending();
        try { return await inner.ProduceAsync(topicPartition, message, cancellationToken).ConfigureAwait(false); }
        finally { Done(); }
    }

    /// <summary>Waits until every record produced so far is delivered or failed; returns how many are still waiting (0 unless it timed out).</summary>
    public int Flush(TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        lock (gate)
        {
            while (Interlocked.Read(ref outstanding) > 0)
            {
                var left = deadline - DateTime.UtcNow;
                if (left <= TimeSpan.Zero || !Monitor.Wait(gate, left)) break;
            }
            return (int)Math.Min(int.MaxValue, Interlocked.Read(ref outstanding));
        }
    }

    public void Flush(CancellationToken cancellationToken = default)
    {
        // In slices, so a cancellation is seen; a slice ends early when the last report arrives.
        while (Flush(TimeSpan.FromMilliseconds(100)) > 0) cancellationToken.ThrowIfCancellationRequested();
    }

    private void Sending() => Interlocked.Increment(ref outstanding);

    private void Done()
    {
        if (Interlocked.Decrement(ref outstanding) != 0) return;
        // Under the lock, so a flush between its check and its wait cannot miss the pulse.
        lock (gate) Monitor.PulseAll(gate);
    }

    private Action<DeliveryReport<byte[], byte[]>> Delivered(Action<DeliveryReport<byte[], byte[]>>? handler) => report =>
    {
        try { handler?.Invoke(report); }
        finally { Done(); }
    };

    public int Poll(TimeSpan timeout) => inner.Poll(timeout);
    public void InitTransactions(TimeSpan timeout) => inner.InitTransactions(timeout);
    public void BeginTransaction() => inner.BeginTransaction();
    public void CommitTransaction(TimeSpan timeout) => inner.CommitTransaction(timeout);
    public void CommitTransaction() => inner.CommitTransaction();
    public void AbortTransaction(TimeSpan timeout) => inner.AbortTransaction(timeout);
    public void AbortTransaction() => inner.AbortTransaction();
    public void SendOffsetsToTransaction(IEnumerable<TopicPartitionOffset> offsets, IConsumerGroupMetadata groupMetadata, TimeSpan timeout) =>
        inner.SendOffsetsToTransaction(offsets, groupMetadata, timeout);
    public Handle Handle => inner.Handle;
    public string Name => inner.Name;
    public int AddBrokers(string brokers) => inner.AddBrokers(brokers);
    public void SetSaslCredentials(string username, string password) => inner.SetSaslCredentials(username, password);
    public void Dispose() => inner.Dispose();
}
