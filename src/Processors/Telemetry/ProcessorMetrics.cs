using System.Diagnostics.Metrics;

namespace Insights.Processors.Telemetry;

/// <summary>
/// The worker's instruments, in one place (Prometheus names in docs/operations.md, "Metrics"). Static because the
/// topology's transformers are built by Streamiz, not by the container; a MeterProvider listening to
/// <see cref="MeterName"/> (the host's /metrics) collects them, and without one they cost next to nothing.
/// </summary>
public static class ProcessorMetrics
{
    public const string MeterName = "Insights.Processors";

    private static readonly Meter Meter = new(MeterName);

    private static readonly Counter<long> Events = Meter.CreateCounter<long>("insights.worker.events",
        "{event}", "CDC records read by the worker, by source topic (rate() gives events per second).");

    private static readonly Counter<long> DeadLetters = Meter.CreateCounter<long>("insights.worker.dead_letters",
        "{record}", "Records sent to the dead-letter topic, by stage (parse, session-join, session-expired, apply, score, movie; global-* are counted, not sent) and error type.");

    private static readonly Histogram<double> ScoreLatency = Meter.CreateHistogram("insights.worker.score_latency",
        "s", "From the source commit (change event ts_ms) to the score update emitted for it (not catalog-driven rescores).",
        // Source ts_ms has second resolution and scores leave on a flush interval: 50 ms up to a replay's minutes.
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 120, 300] });

    public static void EventRead(string topic) => Events.Add(1, new KeyValuePair<string, object?>("topic", topic));

    public static void DeadLettered(string stage, Exception error) => DeadLetters.Add(1,
        new KeyValuePair<string, object?>("stage", stage), new KeyValuePair<string, object?>("error", error.GetType().Name));

    /// <summary>A score emitted for a change committed at <paramref name="sourceTsMs"/> (0 = unknown: not recorded).</summary>
    public static void ScoreEmitted(long sourceTsMs)
    {
        if (sourceTsMs <= 0) return;
        ScoreLatency.Record(Math.Max(0, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() - sourceTsMs) / 1000.0);
    }
}
