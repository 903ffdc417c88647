using System.Diagnostics;

namespace Insights.TestSupport;

/// <summary>One partition's longest idle span so far: how long, and when it ended (or now, if it is still idle).</summary>
public sealed record PartitionIdle(string Topic, int Partition, TimeSpan Longest, TimeSpan EndedAt, bool IdleNow);

/// <summary>
/// Samples a consumer group's committed offset and the end of every partition of some topics once per interval, on its
/// own task, and keeps each partition's longest idle span. A partition is idle while its committed offset does not
/// advance although it has lag (records beyond the committed offset): a worker that owns it is stalled, or nobody
/// owns it. A span starts at the last sample that saw the partition advance or without lag, so it is measured
/// conservatively (up to one interval longer than the truth) and at the resolution of the group's commits.
/// A sample that fails (the broker busy) leaves spans running.
/// </summary>
public sealed class PartitionIdleWatch : IAsyncDisposable
{
    private readonly ApplicationProgress progress;
    private readonly string[] topics;
    private readonly Stopwatch clock;
    private readonly CancellationTokenSource stop = new();
    private readonly Task loop;
    private readonly object gate = new();
    private readonly Dictionary<(string Topic, int Partition), Span> spans = [];

    /// <param name="progress">Reads the group's committed offsets and the partitions' ends.</param>
    /// <param name="topics">Topics whose every partition is watched.</param>
    /// <param name="clock">The run's clock: <see cref="PartitionIdle.EndedAt"/> is read on it.</param>
    /// <param name="interval">Time between samples (one second for the bench and the test).</param>
    public PartitionIdleWatch(ApplicationProgress progress, IEnumerable<string> topics, Stopwatch clock, TimeSpan interval)
    {
        this.progress = progress;
        this.topics = [.. topics];
        this.clock = clock;
        loop = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                var next = clock.Elapsed + interval;
                try { await SampleAsync(); }
                catch (Exception e) when (e is Confluent.Kafka.KafkaException or TimeoutException or InvalidOperationException) { FailedSamples++; }
                var wait = next - clock.Elapsed;
                try { if (wait > TimeSpan.Zero) await Task.Delay(wait, stop.Token); }
                catch (OperationCanceledException) { }
            }
        });
    }

    public int Samples { get; private set; }
    public int FailedSamples { get; private set; }

    /// <summary>Every watched partition (once sampled), by topic and partition.</summary>
    public IReadOnlyList<PartitionIdle> Partitions
    {
        get
        {
            lock (gate)
                return [.. spans.OrderBy(s => Array.IndexOf(topics, s.Key.Topic)).ThenBy(s => s.Key.Partition)
                    .Select(s => new PartitionIdle(s.Key.Topic, s.Key.Partition, s.Value.Longest, s.Value.LongestEndedAt, s.Value.IdleNow))];
        }
    }

    /// <summary>Partitions idle at the last sample for at least <paramref name="atLeast"/>, with how long so far.</summary>
    public IReadOnlyList<(string Topic, int Partition, TimeSpan For)> IdleNow(TimeSpan atLeast)
    {
        lock (gate)
            return [.. spans.Where(s => s.Value.IdleNow && s.Value.LastSample - s.Value.Since >= atLeast)
                .Select(s => (s.Key.Topic, s.Key.Partition, s.Value.LastSample - s.Value.Since))];
    }

    /// <summary>Committed offset and end of every watched partition at the last sample.</summary>
    public IReadOnlyList<(string Topic, int Partition, long Committed, long End)> Offsets
    {
        get { lock (gate) return [.. spans.Select(s => (s.Key.Topic, s.Key.Partition, s.Value.Committed, s.Value.End))]; }
    }

    private async Task SampleAsync()
    {
        var read = new List<(string Topic, long[] Committed, long[] Ends)>();
        foreach (var topic in topics)
        {
            // Committed first: a record that arrives between the two reads shows as lag, never as negative lag.
            var committed = await progress.CommittedAsync(topic);
            read.Add((topic, committed, progress.Ends(topic)));
        }
        var now = clock.Elapsed;
        lock (gate)
        {
            Samples++;
            foreach (var (topic, committed, ends) in read)
                for (var p = 0; p < committed.Length; p++)
                {
                    if (!spans.TryGetValue((topic, p), out var span)) spans[(topic, p)] = span = new Span { Since = now, Committed = committed[p] };
                    var advanced = committed[p] > span.Committed;
                    span.Committed = committed[p];
                    span.End = ends[p];
                    span.LastSample = now;
                    if (advanced || ends[p] <= committed[p])
                    {
                        span.Since = now;
                        span.IdleNow = false;
                        continue;
                    }
                    span.IdleNow = true;
                    if (now - span.Since > span.Longest)
                    {
                        span.Longest = now - span.Since;
                        span.LongestEndedAt = now;
                    }
                }
        }
    }

    /// <summary>Stops sampling; what was measured stays readable. Safe to call more than once.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref disposed, 1) == 0) stop.Cancel();
        await loop;
    }

    private int disposed;

    private sealed class Span
    {
        public TimeSpan Since, LastSample, Longest, LongestEndedAt;
        public long Committed, End;
        public bool IdleNow;
    }
}
