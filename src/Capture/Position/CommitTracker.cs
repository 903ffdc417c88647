using Insights.Capture.Sinks;

namespace Insights.Capture.Position;

/// <summary>
/// Follows transactions from send to acknowledgement. A transaction's position becomes durable only when
/// Kafka acknowledged each of its events and every transaction before it: that is the position a
/// checkpoint may hold. A failed delivery is kept and rethrown to the reader.
/// </summary>
public sealed class CommitTracker
{
    private sealed class Pending(CaptureCheckpoint position, int events)
    {
        public CaptureCheckpoint Position { get; } = position;
        public int Remaining = events;
    }

    private readonly Queue<Pending> _pending = new();
    private readonly Lock _lock = new();
    private Exception? _failure;

    /// <summary>The newest position whose events (and all before them) Kafka acknowledged.</summary>
    public CaptureCheckpoint? Durable { get; private set; }

    public long Version { get; private set; }

    public CommitTracker(CaptureCheckpoint? start) => Durable = start;

    /// <summary>Sends a committed transaction's events and records its end position.</summary>
    public void Commit(IReadOnlyList<CapturedEvent> events, CaptureCheckpoint position, IChangeEventSink sink)
    {
        ThrowIfFailed();
        var pending = new Pending(position, events.Count);
        lock (_lock) _pending.Enqueue(pending);
        foreach (var change in events)
            sink.Send(change, error => Acknowledge(pending, error));
        if (events.Count == 0) lock (_lock) Advance();
    }

    private void Acknowledge(Pending pending, Exception? error)
    {
        lock (_lock)
        {
            if (error is not null) { _failure ??= error; return; }
            pending.Remaining--;
            Advance();
        }
    }

    private void Advance()
    {
        while (_pending.TryPeek(out var front) && front.Remaining == 0)
        {
            _pending.Dequeue();
            Durable = front.Position;
            Version++;
        }
    }

    public void ThrowIfFailed()
    {
        var failure = _failure;
        if (failure is not null) throw new CaptureException($"Kafka did not accept a change event: {failure.Message}", failure);
    }
}
