using System.CommandLine;
using Insights.Capture;
using Insights.Capture.Sinks;
using Insights.Contracts.Configuration;
using Insights.Host.Configuration;
using Insights.Host.Observability;
using Microsoft.Extensions.Configuration;
using MySqlConnector;

namespace Insights.Host.Commands;

/// <summary>
/// `insights capture`: the built-in MariaDB binlog CDC, writing Debezium-identical events to Kafka.
/// Settings come from the usual configuration sources (InsightsConfiguration) and --set Key=Value: MariaDb:CaptureConnectionString,
/// the Kafka section (bootstrap servers, SASL/TLS) and the Capture section (<see cref="CaptureSettings"/>).
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
            var configuration = BuildConfiguration(parse.GetValue(settings) ?? []);
            var options = ReadOptions(configuration, parse.GetValue(snapshot));
            await using var observability = await CaptureObservability.StartAsync(configuration, ct);
            using var sink = new KafkaChangeEventSink(options.Kafka);
            try { sink.EnsureReachable(TimeSpan.FromSeconds(15)); }
            catch (Confluent.Kafka.KafkaException e) { throw new CommandLineError($"capture: Kafka at {options.Kafka.BootstrapServers}: {sink.Explain(e)}"); }
            var runner = new CaptureRunner(options.Capture, sink, Console.Out);
            try { await runner.RunAsync(ct); }
            catch (CaptureException e) { throw new CommandLineError($"capture: {e.Message} (MariaDB at {MariaDbAddress(options.Capture.ConnectionString)})"); }
            catch (InvalidDataException e)
            {
                // A damaged event (CRC32, compressed record): the checkpoint does not move past it, so every restart stops here.
                throw new CommandLineError($"capture: unreadable binlog event: {e.Message}; every restart stops at it. Inspect the binlog with " +
                    "mariadb-binlog; if the file is damaged, take a new snapshot with `insights capture --snapshot`");
            }
            return 0;
        });
        return command;
    }

    /// <summary>Server and port only: the connection string also holds the password.</summary>
    private static string MariaDbAddress(string connectionString)
    {
        var builder = new MySqlConnectionStringBuilder(connectionString);
        return $"{builder.Server}:{builder.Port}";
    }

    private static IConfiguration BuildConfiguration(string[] overrides)
    {
        var pairs = overrides.Select(o => o.Split('=', 2)).ToList();
        var bad = pairs.FirstOrDefault(p => p.Length != 2);
        if (bad is not null) throw new CommandLineError($"--set '{bad[0]}' must be Key=Value");
        return new ConfigurationBuilder()
            .AddInsightsSources()
            .AddInMemoryCollection(pairs.Select(p => new KeyValuePair<string, string?>(p[0], p[1])))
            .Build();
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
