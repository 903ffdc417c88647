using System.CommandLine;
using Insights.Host.Configuration;
using Insights.Host.Observability;
using Insights.Sinks.Hosting;

namespace Insights.Host.Commands;

/// <summary>
/// `insights sink`: the Generic Host service that consumes the scores topic in its own consumer group, writes
/// Elasticsearch and takes S3 snapshots. Settings come from sections Kafka, Elasticsearch, S3, Snapshots and Sink;
/// a bad value stops start-up with one line naming the key. With Elasticsearch:Enabled=false only the snapshot
/// schedule runs (one log line says so); with that and no snapshot interval, start-up fails naming both keys.
/// </summary>
public static class SinkCommand
{
    public static Command Create()
    {
        var command = new Command("sink", "Consume insights.propensity.scores into Elasticsearch and take periodic snapshots (runs until stopped).");
        command.SetAction(async (parse, ct) =>
        {
            var builder = InsightsHost.CreateBuilder("sink");
            var settings = builder.AddScoreSinks();
            var readiness = builder.AddInsightsObservability("sink", RoleReadiness.FromProbes(), settings.Kafka, SinkReadiness.Groups(settings.Elasticsearch));
            using var host = builder.Build();
            SinkReadiness.Watch(readiness, host.Services, settings.Elasticsearch);
            await host.RunRoleAsync(ct);
            return 0;
        });
        return command;
    }
}
