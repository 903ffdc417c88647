using System.CommandLine;
using Insights.Host.Configuration;
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
            builder.Services.AddHostedService<WorkerService>();
            using var host = builder.Build();
            await host.RunAsync(ct);
            return 0;
        });
        return command;
    }

    /// <summary>Starts the stream, mirrors its state into the readiness file and stops the host when the stream fails.</summary>
    private sealed class WorkerService(WorkerSettings settings, Propensity.Scoring.PropensityModel model,
        Contracts.Configuration.KafkaSettings kafka, ILoggerFactory loggers, IHostApplicationLifetime lifetime) : BackgroundService
    {
        private readonly ILogger logger = loggers.CreateLogger("insights.worker");

        protected override async Task ExecuteAsync(CancellationToken stoppingToken)
        {
            using var stream = new ScoringStream(settings, model, kafka, loggers);
            logger.LogInformation("worker: application {ApplicationId}, {Partitions} partitions, model {Model}",
                settings.ApplicationId, settings.Partitions, stream.Options.Model.ModelVersion);
            await stream.StartAsync(stoppingToken);
            var wasReady = false;
            try
            {
                while (!stoppingToken.IsCancellationRequested)
                {
                    if (stream.Ready != wasReady)
                    {
                        wasReady = stream.Ready;
                        MarkReady(wasReady);
                        logger.LogInformation("worker: {State}", stream.State);
                    }
                    if (stream.Failed)
                    {
                        logger.LogError("worker: the stream failed; stopping so the orchestrator restarts it");
                        Environment.ExitCode = 1;
                        lifetime.StopApplication();
                        break;
                    }
                    await Task.Delay(200, stoppingToken);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested) { }
            finally
            {
                MarkReady(false);
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
