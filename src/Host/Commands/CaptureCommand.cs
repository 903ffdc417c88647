using System.CommandLine;
using Insights.Capture;
using Insights.Capture.Sinks;
using Insights.Capture.Telemetry;
using Insights.Contracts.Configuration;
using Insights.Host.Configuration;
using Insights.Host.Observability;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using MySqlConnector;

namespace Insights.Host.Commands;

/// <summary>
/// `insights capture`: the built-in MariaDB binlog CDC, writing Debezium-identical events to Kafka, under the Generic Host
/// like the other roles (its log through ILogger, so Logging:Format applies; /healthz, /readyz, /metrics on
/// Observability:Urls). Settings come from the usual configuration sources (InsightsConfiguration) and --set Key=Value:
/// MariaDb:CaptureConnectionString, the Kafka section (bootstrap servers, SASL/TLS) and the Capture section (<see cref="CaptureSettings"/>).
/// </summary>
public static class CaptureCommand
{
    public static Command Create()
    {
        var snapshot = new Option<bool>("--snapshot") { Description = "Take a new consistent snapshot even if a checkpoint exists (needed after the binlog was purged)." };
        var settings = new Option<string[]>("--set") { Description = "Override a configuration key, e.g. --set Capture:TopicPrefix=cdc.", AllowMultipleArgumentsPerToken = true };
        var command = new Command("capture", "Capture MariaDB row changes from the binlog into Kafka as Debezium change events.") { snapshot, settings };
        command.SetAction(async (parse, ct) =>
        {
            var builder = InsightsHost.CreateBuilder("capture");
            builder.Configuration.AddInMemoryCollection(Overrides(parse.GetValue(settings) ?? []));
            var (capture, kafka) = ReadOptions(builder.Configuration, parse.GetValue(snapshot));
            builder.Services.AddSingleton(capture);
            builder.Services.AddSingleton(kafka);
            // Ready while the binlog is streamed, not during the start-up checks, the initial snapshot or a reconnect.
            builder.AddInsightsObservability("capture", RoleReadiness.FromProbes().Probe(_ =>
                Task.FromResult(CaptureMetrics.Streaming ? null : "capture is not streaming the binlog (starting, snapshotting or reconnecting)")));
            builder.Services.AddHostedService<CaptureService>();
            using var host = builder.Build();
            await host.RunRoleAsync(ct);
            return 0;
        });
        return command;
    }

    /// <summary>Runs the capture until the host stops; a failure the user can act on stops the host as one line.</summary>
    private sealed class CaptureService(CaptureOptions options, KafkaSettings kafka, ILoggerFactory loggers) : BackgroundService
    {
        protected override async Task ExecuteAsync(CancellationToken stoppingToken)
        {
            // The checks below block: the host finishes starting (and its observability server answers) first.
            await Task.Yield();
            var log = loggers.CreateLogger("insights.capture");
            using var sink = new KafkaChangeEventSink(kafka, log);
            try { sink.EnsureReachable(TimeSpan.FromSeconds(15)); }
            catch (Confluent.Kafka.KafkaException e) { throw new CommandLineError($"capture: Kafka at {kafka.BootstrapServers}: {sink.Explain(e)}"); }
            try { await new CaptureRunner(options, sink, log).RunAsync(stoppingToken); }
            catch (CaptureException e) { throw new CommandLineError($"capture: {e.Message} (MariaDB at {MariaDbAddress(options.ConnectionString)})"); }
            catch (InvalidDataException e)
            {
                // A damaged event (CRC32, compressed record): the checkpoint does not move past it, so every restart stops here.
                throw new CommandLineError($"capture: unreadable binlog event: {e.Message}; every restart stops at it. Inspect the binlog with " +
                    "mariadb-binlog; if the file is damaged, take a new snapshot with `insights capture --snapshot`");
            }
        }
    }

    /// <summary>Server and port only: the connection string also holds the password.</summary>
    private static string MariaDbAddress(string connectionString)
    {
        var builder = new MySqlConnectionStringBuilder(connectionString);
        return $"{builder.Server}:{builder.Port}";
    }

    private static IEnumerable<KeyValuePair<string, string?>> Overrides(string[] overrides)
    {
        var pairs = overrides.Select(o => o.Split('=', 2)).ToList();
        var bad = pairs.FirstOrDefault(p => p.Length != 2);
        if (bad is not null) throw new CommandLineError($"--set '{bad[0]}' must be Key=Value");
        return pairs.Select(p => new KeyValuePair<string, string?>(p[0], p[1]));
    }

    /// <summary>The capture's options and Kafka settings from configuration; the first wrong setting fails start-up naming its key.</summary>
    public static (CaptureOptions Capture, KafkaSettings Kafka) ReadOptions(IConfiguration config, bool forceSnapshot)
    {
        var mariaDb = config.Bind<MariaDbSettings>(MariaDbSettings.Section);
        var capture = config.Bind<CaptureSettings>(CaptureSettings.Section);
        if (capture.Problems(mariaDb).FirstOrDefault() is { } problem) throw new CommandLineError(problem);
        return (capture.ToOptions(mariaDb, forceSnapshot), config.KafkaSettings());
    }
}
