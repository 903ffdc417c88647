using System.Diagnostics.Metrics;

namespace Insights.Capture.Telemetry;

/// <summary>
/// Capture's instruments, in one place (Prometheus names in docs/operations.md, "Metrics"). A MeterProvider
/// listening to <see cref="MeterName"/> (the capture's /metrics) collects them. <see cref="Streaming"/> is also
/// what its /readyz reports.
/// </summary>
public static class CaptureMetrics
{
    public const string MeterName = "Insights.Capture";

    private static readonly Meter Meter = new(MeterName);
    private static volatile bool streaming;

    private static readonly Counter<long> Events = Meter.CreateCounter<long>("insights.capture.events",
        "{event}", "Change events acknowledged by Kafka, by topic (rate() gives events per second).");

    static CaptureMetrics() =>
        Meter.CreateObservableGauge("insights.capture.streaming", () => streaming ? 1 : 0, "{state}",
            "1 while capture streams the binlog (after its snapshot), else 0.");

    /// <summary>True while the binlog is being streamed.</summary>
    public static bool Streaming { get => streaming; set => streaming = value; }

    public static void Delivered(string topic) => Events.Add(1, new KeyValuePair<string, object?>("topic", topic));
}
