using System.CommandLine;
using Insights.Contracts.Configuration;
using Insights.Host.Configuration;
using Insights.Host.Observability;
using Insights.Sinks.Elasticsearch;
using Insights.Sinks.Hosting;
using Insights.Sinks.Kafka;
using Insights.Sinks.Snapshots;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

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
            var settings = SinkSettings.Load(builder.Configuration);
            if (SinkServices.NothingToDo(settings.Elasticsearch, settings.Snapshots) is { } idle) throw new CommandLineError($"configuration: {idle}");
            var store = settings.Snapshots.CreateStore(settings.S3);
            builder.Services.AddScoreSinks(settings.Kafka, settings.Elasticsearch, settings.Snapshots, store, settings.Errors);
            var readiness = builder.AddInsightsObservability("sink", RoleReadiness.FromProbes(), settings.Kafka, SinkReadiness.Groups(settings.Elasticsearch));
            using var host = builder.Build();
            SinkReadiness.Watch(readiness, host.Services, settings.Elasticsearch);
            if (SinkServices.SnapshotsOnlyLine(settings.Elasticsearch, settings.Snapshots, store) is { } line)
                host.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Insights.Sink").LogInformation("{Line}", line);
            await host.RunRoleAsync(ct);
            return 0;
        });
        return command;
    }
}

/// <summary>The sinks' configuration sections, each checked, failing with the first wrong key.</summary>
public sealed record SinkSettings(KafkaSettings Kafka, ElasticsearchSettings Elasticsearch, S3Endpoint S3, SnapshotSettings Snapshots, SinkErrorSettings Errors)
{
    public static SinkSettings Load(IConfiguration configuration, bool needKafka = true)
    {
        var kafka = needKafka ? configuration.KafkaSettings() : configuration.Bind<KafkaSettings>(KafkaSettings.Section);
        var elasticsearch = Checked(configuration.Bind<ElasticsearchSettings>(ElasticsearchSettings.Section), s => s.Problem());
        var snapshots = Checked(configuration.Bind<SnapshotSettings>(SnapshotSettings.Section), s => s.Problem());
        var errors = Checked(configuration.Bind<SinkErrorSettings>(SinkErrorSettings.Section), s => s.Problem());
        var s3 = configuration.Bind<S3Endpoint>(S3EndpointCheck.Section);
        if (snapshots.Store == "s3") s3 = Checked(s3, s => s.Problem());
        return new SinkSettings(kafka, elasticsearch, s3, snapshots, errors);
    }

    private static T Checked<T>(T settings, Func<T, string?> problem) =>
        problem(settings) is { } line ? throw new CommandLineError($"configuration: {line}") : settings;
}
