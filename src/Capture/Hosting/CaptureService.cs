using Insights.Capture.Sinks;
using Insights.Contracts;
using Insights.Contracts.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using MySqlConnector;

namespace Insights.Capture.Hosting;

/// <summary>Runs the capture until the host stops; a failure the user can act on stops the host as one line.</summary>
public sealed class CaptureService(CaptureOptions options, KafkaSettings kafka, ILoggerFactory loggers) : BackgroundService
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

    /// <summary>Server and port only: the connection string also holds the password.</summary>
    private static string MariaDbAddress(string connectionString)
    {
        var builder = new MySqlConnectionStringBuilder(connectionString);
        return $"{builder.Server}:{builder.Port}";
    }
}
