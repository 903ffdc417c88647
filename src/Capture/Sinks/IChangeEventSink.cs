namespace Insights.Capture.Sinks;

/// <summary>
/// One Kafka record the capture emits: a change event, or a tombstone (Value null) after a delete. Key is null for
/// a table without a primary key, as in Debezium.
/// </summary>
public sealed record CapturedEvent(string Topic, byte[]? Key, byte[]? Value);

/// <summary>
/// Where change events go. <paramref name="delivered"/> is called once per event, with null when the
/// destination acknowledged it durably or with the failure; events of one key must stay in order.
/// </summary>
public interface IChangeEventSink : IDisposable
{
    void Send(CapturedEvent change, Action<Exception?> delivered);

    /// <summary>Waits until every event sent so far was acknowledged or failed.</summary>
    Task FlushAsync(CancellationToken ct);
}
