using Insights.Capture.Telemetry;
using Insights.Processors.Telemetry;
using Insights.Sinks.Telemetry;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;

namespace Insights.Host.Observability;

/// <summary>
/// /healthz (the process answers: 200), /readyz (200 "ready" when the role's <see cref="RoleReadiness"/> says so,
/// else 503 with the reason as one line) and /metrics (Prometheus text from OpenTelemetry, every Insights meter and the runtime's).
/// Used by the observability server of capture, worker and sink, and by the api on its own port.
/// </summary>
public static class ObservabilityEndpoints
{
    /// <summary>The runtime's own meter: garbage collections, bytes allocated, heap sizes, CPU time, thread pool.</summary>
    public const string RuntimeMeter = "System.Runtime";

    /// <summary>The Prometheus series of the bytes the process allocated since it started (a counter of <see cref="RuntimeMeter"/>).</summary>
    public const string AllocatedBytesSeries = "dotnet_gc_heap_total_allocated_bytes_total";

    /// <summary>The Prometheus series of the time the runtime held the process's threads for garbage collections since it started.</summary>
    public const string GcPauseSeries = "dotnet_gc_pause_time_seconds_total";

    public static readonly string[] Meters =
        [ProcessorMetrics.MeterName, SinkMetrics.MeterName, CaptureMetrics.MeterName, ConsumerLagPoller.MeterName, RuntimeMeter];

    /// <summary>Registers the readiness check and the OpenTelemetry meter provider with its Prometheus exporter.</summary>
    public static IServiceCollection AddObservability(this IServiceCollection services, string role, params string[] extraMeters)
    {
        services.AddHealthChecks().AddCheck<ReadinessHealthCheck>("readiness", tags: [ReadinessHealthCheck.Tag]);
        services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService($"insights-{role}"))
            .WithMetrics(metrics => metrics.AddMeter([.. Meters, .. extraMeters]).AddPrometheusExporter());
        return services;
    }

    public static IEndpointRouteBuilder MapObservability(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapHealthChecks("/healthz", new HealthCheckOptions { Predicate = _ => false, ResponseWriter = WriteLine });
        endpoints.MapHealthChecks("/readyz", new HealthCheckOptions { Predicate = c => c.Tags.Contains(ReadinessHealthCheck.Tag), ResponseWriter = WriteLine });
        endpoints.MapPrometheusScrapingEndpoint("/metrics");
        return endpoints;
    }

    /// <summary>One line: "alive", "ready", or why the role is not ready.</summary>
    private static Task WriteLine(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "text/plain; charset=utf-8";
        var line = report.Entries.Count == 0 ? "alive"
            : report.Status == HealthStatus.Healthy ? "ready"
            : report.Entries.Values.First(e => e.Status != HealthStatus.Healthy).Description ?? "not ready";
        return context.Response.WriteAsync(line + "\n");
    }
}
