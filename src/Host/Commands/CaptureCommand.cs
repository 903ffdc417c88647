using System.CommandLine;
using Insights.Capture.Hosting;
using Insights.Capture.Telemetry;
using Insights.Contracts;
using Insights.Host.Configuration;
using Insights.Host.Observability;
using Microsoft.Extensions.Configuration;

namespace Insights.Host.Commands;

/// <summary>
/// `insights capture`: the built-in MariaDB binlog CDC, writing Debezium-identical events to Kafka, under the Generic Host
/// like the other roles (its log through ILogger, so Logging:Format applies; /healthz, /readyz, /metrics on
/// Observability:Urls). Settings come from the usual configuration sources (InsightsConfiguration) and --set Key=Value:
/// MariaDb:CaptureConnectionString, the Kafka section (bootstrap servers, SASL/TLS) and the Capture section (<see cref="Capture.CaptureSettings"/>).
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
            builder.AddCapture(parse.GetValue(snapshot));
            // Ready while the binlog is streamed, not during the start-up checks, the initial snapshot or a reconnect.
            builder.AddInsightsObservability("capture", RoleReadiness.FromProbes().Probe(_ =>
                Task.FromResult(CaptureMetrics.Streaming ? null : "capture is not streaming the binlog (starting, snapshotting or reconnecting)")));
            using var host = builder.Build();
            await host.RunRoleAsync(ct);
            return 0;
        });
        return command;
    }

    private static IEnumerable<KeyValuePair<string, string?>> Overrides(string[] overrides)
    {
        var pairs = overrides.Select(o => o.Split('=', 2)).ToList();
        var bad = pairs.FirstOrDefault(p => p.Length != 2);
        if (bad is not null) throw new CommandLineError($"--set '{bad[0]}' must be Key=Value");
        return pairs.Select(p => new KeyValuePair<string, string?>(p[0], p[1]));
    }
}
