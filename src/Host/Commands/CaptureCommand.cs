using System.CommandLine;
using Insights.Capture;
using Insights.Capture.Sinks;
using Insights.Contracts.Configuration;
using Insights.Contracts.Debezium;
using Insights.Host.Configuration;
using Insights.Host.Observability;
using Microsoft.Extensions.Configuration;
using MySqlConnector;

namespace Insights.Host.Commands;

/// <summary>
/// `insights capture`: the built-in MariaDB binlog CDC, writing Debezium-identical events to Kafka.
/// Settings come from the usual configuration sources (InsightsConfiguration) and --set Key=Value:
/// MariaDb:CaptureConnectionString, the Kafka section (bootstrap servers, SASL/TLS), Capture:CheckpointPath, Capture:TopicPrefix,
/// Capture:ServerId, Capture:DecimalHandlingMode, Capture:MessageKeyColumns, Capture:HeartbeatPeriodSeconds.
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

    public static (CaptureOptions Capture, KafkaSettings Kafka) ReadOptions(IConfiguration config, bool forceSnapshot)
    {
        string Required(string key) => config[key] is { Length: > 0 } value ? value : throw new CommandLineError($"configuration key {key} is missing");
        var connection = Required("MariaDb:CaptureConnectionString");
        try
        {
            var builder = new MySqlConnectionStringBuilder(connection);
            if (string.IsNullOrEmpty(builder.Server) || string.IsNullOrEmpty(builder.UserID))
                throw new CommandLineError("configuration key MariaDb:CaptureConnectionString needs Server and User ID");
            if (builder.ConnectionProtocol != MySqlConnectionProtocol.Tcp)
                throw new CommandLineError("configuration key MariaDb:CaptureConnectionString must use TCP (the replication client does not speak unix sockets)");
        }
        catch (ArgumentException e) { throw new CommandLineError($"configuration key MariaDb:CaptureConnectionString is not a valid connection string: {e.Message}"); }
        var kafka = config.KafkaSettings();
        var checkpoint = config["Capture:CheckpointPath"] ?? Path.Combine(".insights", "capture-checkpoint.json");
        if (checkpoint.Length == 0 || checkpoint.IndexOfAny(Path.GetInvalidPathChars()) >= 0)
            throw new CommandLineError($"configuration key Capture:CheckpointPath is not a valid path: '{checkpoint}'");
        var prefix = config["Capture:TopicPrefix"] ?? "cdc";
        if (prefix.Length == 0 || prefix.Any(c => !(char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-')))
            throw new CommandLineError($"configuration key Capture:TopicPrefix must be letters, digits, '.', '_' or '-', got '{prefix}'");
        uint serverId = 184101;
        if (config["Capture:ServerId"] is { } id && (!uint.TryParse(id, out serverId) || serverId == 0))
            throw new CommandLineError($"configuration key Capture:ServerId must be a positive integer, got '{id}'");
        var decimals = DecimalHandling.Precise;
        if (config["Capture:DecimalHandlingMode"] is { } mode && !Enum.TryParse(mode, ignoreCase: true, out decimals))
            throw new CommandLineError($"configuration key Capture:DecimalHandlingMode must be precise, string or double, got '{mode}'");
        MessageKeyColumns messageKeys;
        try { messageKeys = MessageKeyColumns.Parse(config[MessageKeyColumns.Setting] ?? MessageKeyColumns.Default); }
        catch (FormatException e) { throw new CommandLineError($"configuration key {MessageKeyColumns.Setting}: {e.Message}"); }
        HeartbeatPeriod heartbeat;
        try { heartbeat = HeartbeatPeriod.Parse(config[HeartbeatPeriod.Setting]); }
        catch (FormatException e) { throw new CommandLineError($"configuration key {HeartbeatPeriod.Setting}: {e.Message}"); }
        return (new CaptureOptions
        {
            ConnectionString = connection,
            CheckpointPath = checkpoint,
            TopicPrefix = prefix,
            ServerId = serverId,
            Decimals = decimals,
            MessageKeyColumns = messageKeys,
            Heartbeat = heartbeat,
            ForceSnapshot = forceSnapshot,
        }, kafka);
    }
}
