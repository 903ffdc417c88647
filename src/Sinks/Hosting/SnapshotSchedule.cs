using Insights.Sinks.Snapshots;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Insights.Sinks.Hosting;

/// <summary>Takes a snapshot every <see cref="SnapshotSettings.IntervalSeconds"/>; a failed snapshot is logged and retried next interval.</summary>
public sealed class SnapshotSchedule(SnapshotWriter writer, SnapshotSettings settings, ILogger<SnapshotSchedule> logger,
    TimeProvider? clock = null) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(settings.IntervalSeconds), clock ?? TimeProvider.System);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try { await writer.TakeAsync(stoppingToken); }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // The previous snapshot stays current (its manifest is untouched); the next tick tries again.
                logger.LogError(e, "snapshot failed; the previous one stays current");
            }
        }
    }
}
