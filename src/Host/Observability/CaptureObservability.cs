using Insights.Capture.Telemetry;
using Microsoft.Extensions.Configuration;

namespace Insights.Host.Observability;

/// <summary>
/// Capture is a plain command (not a Generic Host): its observability server is started beside the capture run
/// and disposed with it. Ready while the binlog is streamed (<see cref="CaptureMetrics.Streaming"/>), not during
/// the start-up checks or the initial snapshot.
/// </summary>
public static class CaptureObservability
{
    public static async Task<AsyncDisposable> StartAsync(IConfiguration configuration, CancellationToken ct)
    {
        var readiness = RoleReadiness.FromProbes().Probe(_ => Task.FromResult(CaptureMetrics.Streaming ? null : "capture is not streaming the binlog (starting, snapshotting or reconnecting)"));
        if (ObservabilityServer.Create(configuration, "capture", readiness) is not { } server) return new AsyncDisposable(null);
        await server.StartAsync(ct);
        Console.Out.WriteLine($"capture: /healthz, /readyz, /metrics at {string.Join(", ", server.Urls)}");
        return new AsyncDisposable(server);
    }

    /// <summary>Stops and disposes the server, if one was started.</summary>
    public sealed class AsyncDisposable(ObservabilityServer? server) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            if (server is null) return;
            await server.StopAsync(CancellationToken.None);
            await server.DisposeAsync();
        }
    }
}
