using System.CommandLine;
using System.Text.Json;

namespace Insights.Broker.Commands;

/// <summary>`insights-broker run`: host a mock cluster with the manifest's topics until SIGTERM/SIGINT.</summary>
internal static class RunCommand
{
    public static Command Create()
    {
        var manifest = new Option<FileInfo>("--manifest") { Description = "Topic manifest JSON: every topic is pre-created with its partition count.", Required = true };
        var brokers = new Option<int>("--brokers") { Description = "Number of mock brokers.", DefaultValueFactory = _ => 1 };
        var port = new Option<int?>("--port") { Description = "Fixed loopback port proxied to broker 1 (broker i gets port+i-1). Default: the mock's own random ports." };
        var bootstrapFile = new Option<FileInfo?>("--bootstrap-file") { Description = "Written (atomically) with the bootstrap address once every topic exists; removed at shutdown." };
        var statusFile = new Option<FileInfo?>("--status-file") { Description = "Written every check interval with every partition's low and high watermark (JSON)." };
        var checkInterval = new Option<int>("--check-interval-ms") { Description = "How often watermarks are checked for trimmed partitions.", DefaultValueFactory = _ => 5000 };
        var rebalanceDelay = new Option<int>("--group-initial-rebalance-delay-ms") { Description = "The broker setting group.initial.rebalance.delay.ms (Kafka's default 3000; 0 makes first joins immediate).", DefaultValueFactory = _ => 3000 };
        var ownerPid = new Option<int?>("--owner-pid") { Description = "Stop when this process exits (test fixtures pass their own pid so a crashed run leaves no broker)." };

        var command = new Command("run", "Run the mock cluster with the manifest's topics until SIGTERM or SIGINT.");
        foreach (var option in new Option[] { manifest, brokers, port, bootstrapFile, statusFile, checkInterval, rebalanceDelay, ownerPid })
            command.Options.Add(option);

        command.SetAction(async (parse, ct) =>
        {
            var stderr = Console.Error;
            var options = new BrokerOptions(
                parse.GetValue(manifest)!.FullName,
                parse.GetValue(brokers),
                parse.GetValue(port),
                parse.GetValue(bootstrapFile)?.FullName,
                parse.GetValue(statusFile)?.FullName,
                TimeSpan.FromMilliseconds(parse.GetValue(checkInterval)),
                parse.GetValue(rebalanceDelay),
                parse.GetValue(ownerPid));
            if (Invalid(options) is string problem)
            {
                await stderr.WriteLineAsync($"insights-broker: {problem}");
                return ExitCodes.BadInput;
            }
            try
            {
                return await new BrokerHost(options, Console.Out, stderr).RunAsync(ct);
            }
            catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException or InvalidDataException or JsonException)
            {
                await stderr.WriteLineAsync($"insights-broker: --manifest {options.ManifestPath}: {e.Message}");
                return ExitCodes.BadInput;
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return ExitCodes.Ok; // stopped while starting
            }
            catch (Exception e) when (e is InvalidOperationException or EntryPointNotFoundException or DllNotFoundException or Confluent.Kafka.KafkaException)
            {
                await stderr.WriteLineAsync($"insights-broker: could not start the mock cluster: {e.Message}");
                return ExitCodes.StartFailed;
            }
        });
        return command;
    }

    private static string? Invalid(BrokerOptions o) => o switch
    {
        { Brokers: < 1 or > 32 } => $"--brokers must be between 1 and 32 (got {o.Brokers})",
        { Port: < 1 or > 65535 } => $"--port must be between 1 and 65535 (got {o.Port})",
        { Port: int p } when p + o.Brokers - 1 > 65535 => $"--port {p} leaves no room for {o.Brokers} brokers (ports {p}..{p + o.Brokers - 1})",
        _ when o.CheckInterval < TimeSpan.FromMilliseconds(100) => $"--check-interval-ms must be at least 100 (got {o.CheckInterval.TotalMilliseconds})",
        { GroupInitialRebalanceDelayMs: < 0 } => $"--group-initial-rebalance-delay-ms must not be negative (got {o.GroupInitialRebalanceDelayMs})",
        _ => null,
    };
}
