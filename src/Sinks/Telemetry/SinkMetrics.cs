using System.Diagnostics.Metrics;
using Insights.Sinks.Elasticsearch;

namespace Insights.Sinks.Telemetry;

/// <summary>
/// The sink's instruments, in one place (Prometheus names in docs/operations.md, "Metrics"). A MeterProvider
/// listening to <see cref="MeterName"/> (the host's /metrics) collects them.
/// </summary>
public static class SinkMetrics
{
    public const string MeterName = "Insights.Sinks";

    // Same bounds as the worker's score latency, so the two histograms compare bucket by bucket.
    private static readonly double[] LatencyBounds = [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 120, 300];

    private static readonly Meter Meter = new(MeterName);
    private static long lastSnapshotMs;

    private static readonly Counter<long> Retries = Meter.CreateCounter<long>("insights.sink.retries",
        "{retry}", "Elasticsearch bulk requests resent after a transient failure (429, 5xx, no answer).");

    private static readonly Histogram<double> IndexLatency = Meter.CreateHistogram("insights.sink.index_latency",
        "s", "From the source commit (change event ts_ms) to the score acknowledged by Elasticsearch.",
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = LatencyBounds });

    private static readonly Counter<long> Indexed = Meter.CreateCounter<long>("insights.sink.indexed",
        "{update}", "Score updates acknowledged by Elasticsearch.");

    private static readonly Counter<long> DeadLetters = Meter.CreateCounter<long>("insights.sink.dead_letters",
        "{record}", "Records of the scores topic the sink sent to insights.deadletter, by reason (unreadable: not a valid score record; rejected: Elasticsearch refused the document).");

    private static readonly Counter<long> SkippedRecords = Meter.CreateCounter<long>("insights.sink.skipped_records",
        "{record}", "Records of the scores topic a reader without a dead-letter topic skipped as not valid score records, by reader (api, snapshot).");

    static SinkMetrics() =>
        Meter.CreateObservableGauge("insights.sink.snapshot_age", SnapshotAge, "s",
            "Seconds since the last complete snapshot this sink took (absent until its first one).");

    public static void Retried() => Retries.Add(1);

    /// <summary>Dead-letter reasons, the values of the `reason` label.</summary>
    public const string Unreadable = "unreadable", Rejected = "rejected";

    public static void DeadLettered(string reason) => DeadLetters.Add(1, new KeyValuePair<string, object?>("reason", reason));

    /// <summary>A record the API's view or a snapshot left out (<paramref name="reader"/>: `api` or `snapshot`).</summary>
    public static void Skipped(string reader) => SkippedRecords.Add(1, new KeyValuePair<string, object?>("reader", reader));

    /// <summary>Changes acknowledged now: their latency from the source commit, and their count.</summary>
    public static void Acknowledged(IEnumerable<ScoreChange> changes)
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        foreach (var change in changes)
        {
            if (change.Update is not { Source.TsMs: > 0 and var ts }) continue;
            IndexLatency.Record(Math.Max(0, now - ts) / 1000.0);
            Indexed.Add(1);
        }
    }

    /// <summary>A snapshot's manifest was written just now (wall clock: the age is read against it).</summary>
    public static void SnapshotCompleted() => Interlocked.Exchange(ref lastSnapshotMs, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());

    private static IEnumerable<Measurement<double>> SnapshotAge()
    {
        var last = Interlocked.Read(ref lastSnapshotMs);
        if (last == 0) yield break;
        yield return new Measurement<double>(Math.Max(0, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() - last) / 1000.0);
    }
}
