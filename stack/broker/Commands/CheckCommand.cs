using System.CommandLine;
using System.Text.Json;
using Confluent.Kafka;
using Insights.Broker.Watermarks;
using Insights.Contracts.Topics;

namespace Insights.Broker.Commands;

/// <summary>
/// `insights-broker check`: prints every partition's watermarks; exits 1 when a partition was trimmed, a
/// manifest topic is missing or has the wrong partition count, so scripts and tests can assert no loss.
/// </summary>
internal static class CheckCommand
{
    public static Command Create()
    {
        var bootstrap = new Option<string>("--bootstrap") { Description = "Broker address HOST:PORT[,HOST:PORT...].", Required = true };
        var manifest = new Option<FileInfo>("--manifest") { Description = "Topic manifest JSON the broker must match.", Required = true };
        var timeout = new Option<int>("--timeout-ms") { Description = "How long to wait for the broker to answer.", DefaultValueFactory = _ => 10000 };

        var command = new Command("check", "Print every partition's low/high watermark; exit 1 if records were trimmed or topics are missing.");
        command.Options.Add(bootstrap);
        command.Options.Add(manifest);
        command.Options.Add(timeout);
        command.SetAction(async (parse, ct) =>
        {
            var manifestPath = parse.GetValue(manifest)!.FullName;
            TopicManifest topics;
            try { topics = TopicManifest.Load(manifestPath); }
            catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException or InvalidDataException or JsonException)
            {
                await Console.Error.WriteLineAsync($"insights-broker: --manifest {manifestPath}: {e.Message}");
                return ExitCodes.BadInput;
            }
            var address = parse.GetValue(bootstrap)!;
            WatermarkReport report;
            try
            {
                using var probe = new WatermarkProbe(address);
                report = await Task.Run(() => probe.Read(topics, TimeSpan.FromMilliseconds(parse.GetValue(timeout))), ct);
            }
            catch (KafkaException e)
            {
                await Console.Error.WriteLineAsync($"insights-broker: broker at {address} did not answer: {e.Error.Reason}");
                return ExitCodes.BrokerUnreachable;
            }
            WatermarkTable.Write(report, Console.Out);
            foreach (var problem in report.Problems()) await Console.Error.WriteLineAsync($"ERROR {problem}");
            return report.Healthy ? ExitCodes.Ok : ExitCodes.Unhealthy;
        });
        return command;
    }
}
