using Confluent.Kafka;

namespace Insights.Processors.Hosting;

/// <summary>
/// A producer whose <c>Flush</c> returns as soon as every record produced through it has its delivery report. Streamiz
/// 1.8.2 flushes the thread's producer once per task at every commit, and librdkafka's flush, whose delivery reports
/// the client's own poll thread takes, re-checks its queue every 10 ms: a worker with 16 tasks stalled about 150 ms
/// per commit, most of its event-to-score p99. Counting the reports gives the same guarantee (nothing produced before
/// the flush is still unacknowledged when it returns) without the sleeps. Unlike librdkafka's flush it does not cut the
/// producer's linger short, which is why the worker's linger defaults to 0 (<see cref="WorkerSettings.ProducerLingerMs"/>).
/// Everything else is the wrapped producer's.
/// </summary>
public sealed class PromptFlushProducer(IProducer<byte[], byte[]> inner) : IProducer<byte[], byte[]>
{
    private readonly object gate = new();
    private long outstanding;

    public void Produce(string topic, Message<byte[], byte[]> message, Action<DeliveryReport<byte[], byte[]>>? deliveryHandler = null)
    {
        Sending();
        try { inner.Produce(topic, message, Delivered(deliveryHandler)); }
        catch { Done(); throw; }
    }

    public void Produce(TopicPartition topicPartition, Message<byte[], byte[]> message, Action<DeliveryReport<byte[], byte[]>>? deliveryHandler = null)
    {
        Sending();
        try { inner.Produce(topicPartition, message, Delivered(deliveryHandler)); }
        catch { Done(); throw; }
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
