using System.CommandLine;
using Insights.Contracts.Cinema;
using Insights.Host.Configuration;
using Insights.Host.Observability;
using Insights.Processors.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Insights.Host.Commands;

/// <summary>
/// `insights worker`: one processors instance (Streamiz application) under the Generic Host. Run more of them
/// with the same Processors:ApplicationId to scale out; SIGTERM stops it gracefully (finish, commit, close).
/// </summary>
public static class WorkerCommand
{
    public static Command Create()
    {
        var command = new Command("worker", "Run the streaming processors: CDC topics in, propensity scores out (settings: section Processors, Kafka).");
        command.SetAction(async (_, ct) =>
        {
            var builder = InsightsHost.CreateBuilder("worker");
            var kafka = builder.Configuration.KafkaSettings();
            var settings = builder.Configuration.Bind<WorkerSettings>(WorkerSettings.Section);
            if (settings.Problem() is { } problem) throw new CommandLineError($"configuration: {problem}");
            Propensity.Scoring.PropensityModel model;
            try { model = ScoringStream.LoadModel(settings.ModelPath); }
            catch (FormatException e) { throw new CommandLineError($"configuration: {WorkerSettings.Section}:ModelPath: {e.Message}"); }
            builder.Services.AddSingleton(settings);
            builder.Services.AddSingleton(model);
            builder.Services.AddSingleton(kafka);
            builder.AddInsightsObservability("worker", new RoleReadiness("starting: the stream is not started yet"), kafka, WorkerLag(settings));
            builder.Services.AddHostedService<WorkerService>();
            using var host = builder.Build();
            await host.RunRoleAsync(ct);
            return 0;
        });
        return command;
    }

    /// <summary>The worker's consumer group (its application id) reads the four CDC topics (and its repartition topic, found by its commits).</summary>
    private static ConsumerGroupWatch WorkerLag(WorkerSettings settings) =>
        new(settings.ApplicationId, [.. CinemaTables.All.Select(t => CinemaTables.Topic(t, settings.TopicPrefix))]);

    /// <summary>Starts the stream, mirrors its readiness into /readyz and the readiness file, and stops the host when the stream fails.</summary>
    private sealed class WorkerService(WorkerSettings settings, Propensity.Scoring.PropensityModel model,
        Contracts.Configuration.KafkaSettings kafka, ILoggerFactory loggers, RoleReadiness readiness) : BackgroundService
    {
        private readonly ILogger logger = loggers.CreateLogger("insights.worker");

        protected override async Task ExecuteAsync(CancellationToken stoppingToken)
        {
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
                    if (notReady is null) readiness.Ready(); else readiness.NotReady(notReady.Reason);
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
                readiness.NotReady("the worker is stopping");
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
}
