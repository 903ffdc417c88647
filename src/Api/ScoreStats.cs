namespace Insights.Api;

/// <summary>
/// Per-second counts and latencies of the score updates the API sees arrive live, over a sliding window. Live
/// updates (answering the member's own event, <see cref="Insights.Contracts.Scores.ScoreCauses.MemberEvent"/>) give the
/// arrival latency (arrival time minus the source commit time, <c>Source.TsMs</c>) and the compute latency
/// (<c>ComputedAtMs</c> minus <c>Source.TsMs</c>). Rescores (catalog, profiles, model, command, or no cause given) are
/// only counted: they carry the member's last event's time, so their "latency" is that event's age, tens of seconds
/// or days, and would swamp the live line whenever everyone is rescored. Percentiles come from at most
/// <see cref="SamplesPerSecond"/> live samples per second (the first ones), which bounds memory at any rate.
/// </summary>
public sealed class ScoreStats(int windowSeconds = 300, TimeProvider? clock = null)
{
    public const int SamplesPerSecond = 4096;

    private readonly TimeProvider clock = clock ?? TimeProvider.System;
    private readonly Second[] ring = Enumerable.Range(0, windowSeconds).Select(_ => new Second()).ToArray();
    private long total;
    private long rescores;

    public int WindowSeconds => ring.Length;
    public long Total => Interlocked.Read(ref total);
    public long Rescores => Interlocked.Read(ref rescores);

    /// <summary>Counts one update arriving now; only a <paramref name="live"/> one adds latency samples.</summary>
    public void Record(long sourceTsMs, long computedAtMs, bool live)
    {
        var now = clock.GetUtcNow().ToUnixTimeMilliseconds();
        var second = now / 1000;
        var slot = ring[(int)(second % ring.Length)];
        lock (slot)
        {
            if (slot.At != second) slot.Reset(second);
            slot.Updates++;
            if (!live) slot.Rescores++;
            else if (slot.Arrival.Count < SamplesPerSecond)
            {
                slot.Arrival.Add(now - sourceTsMs);
                slot.Compute.Add(computedAtMs - sourceTsMs);
            }
        }
        Interlocked.Increment(ref total);
        if (!live) Interlocked.Increment(ref rescores);
    }

    /// <summary>The last <paramref name="seconds"/> seconds up to and including the current one, oldest first; seconds without updates count 0.</summary>
    public StatsAnswer Read(int seconds)
    {
        if (seconds < 1 || seconds > ring.Length) throw new ArgumentOutOfRangeException(nameof(seconds), seconds, $"seconds must be 1..{ring.Length}");
        var current = clock.GetUtcNow().ToUnixTimeMilliseconds() / 1000;
        var list = new List<StatsSecond>(seconds);
        for (var second = current - seconds + 1; second <= current; second++)
        {
            var slot = ring[(int)(second % ring.Length)];
            lock (slot)
            {
                list.Add(slot.At == second && slot.Updates > 0
                    ? new StatsSecond(second * 1000, slot.Updates, Percentile(slot.Arrival, 0.5), Percentile(slot.Arrival, 0.95),
                        Percentile(slot.Compute, 0.5), Percentile(slot.Compute, 0.95))
                    { Rescores = slot.Rescores }
                    : new StatsSecond(second * 1000, 0, null, null, null, null));
            }
        }
        return new StatsAnswer(seconds, Total, list) { TotalRescores = Rescores };
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
        public long Rescores;
        public readonly List<long> Arrival = [];
        public readonly List<long> Compute = [];

        public void Reset(long at) { At = at; Updates = 0; Rescores = 0; Arrival.Clear(); Compute.Clear(); }
    }
}

/// <summary>
/// The answer of `GET /stats`: score updates per second, how many of them were rescores, and the latency percentiles
/// (ms) of the live ones; CaughtUp says whether the API has read everything that was on its topics when it started
/// (until then answers are partial).
/// </summary>
public sealed record StatsAnswer(int WindowSeconds, long TotalUpdates, IReadOnlyList<StatsSecond> Seconds)
{
    /// <summary>Of <see cref="TotalUpdates"/>, the rescores (no latency samples).</summary>
    public long TotalRescores { get; init; }

    public bool? CaughtUp { get; init; }
}

/// <summary>
/// One second (starting at <c>AtMs</c>): updates that arrived in it, the rescores among them, and the p50/p95 of both
/// latencies over the live ones, null when no live update arrived.
/// </summary>
public sealed record StatsSecond(long AtMs, long Updates, long? ArrivalP50Ms, long? ArrivalP95Ms, long? ComputeP50Ms, long? ComputeP95Ms)
{
    public long Rescores { get; init; }
}
