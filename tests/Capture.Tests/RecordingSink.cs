using System.Text;
using Insights.Capture.Sinks;
using Insights.TestSupport;

namespace Insights.Capture.Tests;

/// <summary>An in-memory sink that acknowledges at once and lets a test wait for the events it expects.</summary>
public sealed class RecordingSink : IChangeEventSink
{
    private readonly List<CapturedEvent> events = new();

    public IReadOnlyList<CapturedEvent> Events { get { lock (events) return events.ToList(); } }

    public void Send(CapturedEvent change, Action<Exception?> delivered)
    {
        lock (events) { events.Add(change); Monitor.PulseAll(events); }
        delivered(null);
    }

    public Task FlushAsync(CancellationToken ct) => Task.CompletedTask;

    /// <summary>
    /// Waits until <paramref name="count"/> events on this topic and key (null: events without a key) arrived, and
    /// returns them in order.
    /// </summary>
    public async Task<IReadOnlyList<CapturedEvent>> WaitForAsync(string topic, string? key, int count, TimeSpan? timeout = null)
    {
        List<CapturedEvent> matching = [];
        await Poll.UntilAsync(() => (matching = Matching()).Count >= count,
            () => $"{count} events for {topic} key {key}: {matching.Count} arrived; all topics seen: {string.Join(", ", Events.Select(e => e.Topic).Distinct())}",
            timeout ?? TimeSpan.FromSeconds(20), TestContext.Current.CancellationToken);
        return matching;

        List<CapturedEvent> Matching() => Events.Where(e => e.Topic == topic && (e.Key is null ? null : Encoding.UTF8.GetString(e.Key)) == key).ToList();
    }

    public void Dispose() { }
}
