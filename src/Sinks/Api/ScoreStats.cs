namespace Insights.Sinks.Api;

/// <summary>
/// Per-second counts and latencies of the score updates the API sees arrive live, over a sliding window:
/// arrival latency (arrival time minus the source commit time, <c>Source.TsMs</c>) and compute latency
/// (<c>ComputedAtMs</c> minus <c>Source.TsMs</c>). Percentiles come from at most
/// <see cref="SamplesPerSecond"/> samples per second (the first ones), which bounds memory at any rate.
/// </summary>
public sealed class ScoreStats(int windowSeconds = 300, TimeProvider? clock = null)
{
    public const int SamplesPerSecond = 4096;

    private readonly TimeProvider _clock = clock ?? TimeProvider.System;
    private readonly Second[] _ring = Enumerable.Range(0, windowSeconds).Select(_ => new Second()).ToArray();
    private long _total;

    public int WindowSeconds => _ring.Length;
    public long Total => Interlocked.Read(ref _total);

    public void Record(long sourceTsMs, long computedAtMs)
    {
        var now = _clock.GetUtcNow().ToUnixTimeMilliseconds();
        var second = now / 1000;
        var slot = _ring[(int)(second % _ring.Length)];
        lock (slot)
        {
            if (slot.At != second) slot.Reset(second);
            slot.Updates++;
            if (slot.Arrival.Count < SamplesPerSecond)
            {
                slot.Arrival.Add(now - sourceTsMs);
                slot.Compute.Add(computedAtMs - sourceTsMs);
            }
        }
        Interlocked.Increment(ref _total);
    }

    /// <summary>The last <paramref name="seconds"/> seconds up to and including the current one, oldest first; seconds without updates count 0.</summary>
    public StatsAnswer Read(int seconds)
    {
        if (seconds < 1 || seconds > _ring.Length) throw new ArgumentOutOfRangeException(nameof(seconds), seconds, $"seconds must be 1..{_ring.Length}");
        var current = _clock.GetUtcNow().ToUnixTimeMilliseconds() / 1000;
        var list = new List<StatsSecond>(seconds);
        for (var second = current - seconds + 1; second <= current; second++)
        {
            var slot = _ring[(int)(second % _ring.Length)];
            lock (slot)
            {
                list.Add(slot.At == second && slot.Updates > 0
                    ? new StatsSecond(second * 1000, slot.Updates, Percentile(slot.Arrival, 0.5), Percentile(slot.Arrival, 0.95),
                        Percentile(slot.Compute, 0.5), Percentile(slot.Compute, 0.95))
                    : new StatsSecond(second * 1000, 0, null, null, null, null));
            }
        }
        return new StatsAnswer(seconds, Total, list);
    }

    // Nearest rank on a sorted copy: small lists, read every ~2 s.
    private static long? Percentile(List<long> samples, double p)
    {
        if (samples.Count == 0) return null;
        var sorted = samples.Order().ToList();
        return sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Count) - 1, 0, sorted.Count - 1)];
    }

    private sealed class Second
    {
        public long At = -1;
        public long Updates;
        public readonly List<long> Arrival = [];
        public readonly List<long> Compute = [];

        public void Reset(long at) { At = at; Updates = 0; Arrival.Clear(); Compute.Clear(); }
    }
}

/// <summary>
/// The answer of `GET /stats`: live score updates per second and their latency percentiles (ms); CaughtUp says
/// whether the API has read everything that was on its topics when it started (until then answers are partial).
/// </summary>
public sealed record StatsAnswer(int WindowSeconds, long TotalUpdates, IReadOnlyList<StatsSecond> Seconds)
{
    public bool? CaughtUp { get; init; }
}

/// <summary>One second (starting at <c>AtMs</c>): updates that arrived in it and the p50/p95 of both latencies, null when none arrived.</summary>
public sealed record StatsSecond(long AtMs, long Updates, long? ArrivalP50Ms, long? ArrivalP95Ms, long? ComputeP50Ms, long? ComputeP95Ms);
