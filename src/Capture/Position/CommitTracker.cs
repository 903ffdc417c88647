using Insights.Capture.Sinks;

namespace Insights.Capture.Position;

/// <summary>
/// Follows transactions from send to acknowledgement. Events are sent as they are decoded, so a transaction of
/// millions of rows is never held in memory; its end position is known only at its commit, and it becomes durable
/// only when Kafka acknowledged each of its events and every transaction before it: that is the position a
/// checkpoint may hold. A failed delivery is kept and rethrown to the reader.
/// </summary>
public sealed class CommitTracker
{
    private sealed class Transaction
    {
        public CaptureCheckpoint? End;
        // Cut off by a lost connection: it will be read (and sent) again from its start, and never becomes durable itself.
        public bool Abandoned;
        public long Unacknowledged;
    }

    private readonly Queue<Transaction> transactions = new();
    private readonly Lock @lock = new();
    private Transaction? open;
    private Exception? failure;

    /// <summary>The newest position whose events (and all before them) Kafka acknowledged.</summary>
    public CaptureCheckpoint? Durable { get; private set; }

    public long Version { get; private set; }

    public CommitTracker(CaptureCheckpoint? start) => Durable = start;

    /// <summary>Sends one event of the transaction being read; it counts towards that transaction's acknowledgement.</summary>
    public void Send(CapturedEvent change, IChangeEventSink sink)
    {
        ThrowIfFailed();
        var transaction = Open();
        lock (@lock) transaction.Unacknowledged++;
        sink.Send(change, error => Acknowledge(transaction, error));
    }

    /// <summary>The transaction being read (possibly without captured events) committed at <paramref name="position"/>.</summary>
    public void Commit(CaptureCheckpoint position)
    {
        ThrowIfFailed();
        var transaction = Open();
        open = null;
        lock (@lock)
        {
            transaction.End = position;
            Advance();
        }
    }

    /// <summary>
    /// The transaction being read will not be finished (the connection was lost mid-transaction): the events already
    /// sent stay in flight, and the transaction is read again from its start after reconnecting.
    /// </summary>
    public void AbandonOpen()
    {
        if (open is not { } transaction) return;
        open = null;
        lock (@lock)
        {
            transaction.Abandoned = true;
            Advance();
        }
    }

    private Transaction Open()
    {
        if (open is not null) return open;
        var transaction = new Transaction();
        lock (@lock) transactions.Enqueue(transaction);
        return open = transaction;
    }

    private void Acknowledge(Transaction transaction, Exception? error)
    {
        lock (@lock)
        {
            if (error is not null) { failure ??= error; return; }
            transaction.Unacknowledged--;
            Advance();
        }
    }

    private void Advance()
    {
        while (transactions.TryPeek(out var front) && front.Unacknowledged == 0 && (front.End is not null || front.Abandoned))
        {
            transactions.Dequeue();
            if (front.End is null) continue;
            Durable = front.End;
            Version++;
        }
    }

    public void ThrowIfFailed()
    {
        var failure = this.failure;
        if (failure is not null) throw new CaptureException($"Kafka did not accept a change event: {failure.Message}", failure);
    }
}
