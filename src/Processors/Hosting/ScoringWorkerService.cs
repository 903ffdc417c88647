using Insights.Contracts;
using Insights.Contracts.Configuration;
using Insights.Propensity.Scoring;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Insights.Processors.Hosting;

/// <summary>
/// Runs the scoring stream until the host stops: says whether it is ready (<see cref="ReadinessChecked"/>, mirrored into
/// the ready file), and stops the host when the stream fails.
/// </summary>
public sealed class ScoringWorkerService(WorkerSettings settings, PropensityModel model, KafkaSettings kafka, ILoggerFactory loggers)
    : BackgroundService
{
    private readonly ILogger logger = loggers.CreateLogger("insights.worker");
    /// <summary>Raised every check (a fifth of a second) with null when the stream does its work, else with why not (rebalancing, restoring, stopping...).</summary>
    public event Action<string?>? ReadinessChecked;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // The partitioning check below blocks: the host finishes starting (and its observability server answers) first.
        await Task.Yield();
        if (SourcePartitioning.Problem(settings, kafka, TimeSpan.FromSeconds(5)) is { } problem)
            throw new CommandLineError($"configuration: {problem}");
        using var stream = new ScoringStream(settings, model, kafka, loggers);
        logger.LogInformation("worker: application {ApplicationId}, {Partitions} partitions, model {Model}, {Guarantee}, commit every {CommitMs} ms",
            settings.ApplicationId, settings.Partitions, stream.Options.Model.ModelVersion, settings.Guarantee, settings.CommitInterval);
        await stream.StartAsync(stoppingToken);
        var wasReady = false;
        string? logged = null;
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                var notReady = stream.NotReadyReason;
                // The file first: whoever sees /readyz change finds the file already agreeing.
                if ((notReady is null) != wasReady)
                {
                    wasReady = notReady is null;
                    MarkReady(wasReady);
                }
                ReadinessChecked?.Invoke(notReady?.Reason);
                // Logged when the kind changes, not the text: a stall's reason counts seconds.
                var kind = notReady?.Kind.ToString() ?? "ready";
                if (kind != logged)
                {
                    logged = kind;
                    if (notReady is null) logger.LogInformation("worker: ready (stream {State})", stream.State);
                    else logger.LogInformation("worker: not ready: {Reason}", notReady.Reason);
                }
                if (stream.Failed)
                {
                    // Thrown, the host stops and the program prints it as one line and exits 1, so the orchestrator restarts it.
                    throw new CommandLineError($"worker: the stream failed (Kafka at {kafka.BootstrapServers}); the log above says why");
                }
                await Task.Delay(200, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested) { }
        finally
        {
            MarkReady(false);
            ReadinessChecked?.Invoke("the worker is stopping");
            logger.LogInformation("worker: stopping (committing and closing stores)");
        }
    }

    private void MarkReady(bool ready)
    {
        if (settings.ReadyFile is not { Length: > 0 } file) return;
        if (ready) File.WriteAllText(file, DateTimeOffset.UtcNow.ToString("O"));
        else File.Delete(file);
    }
}
