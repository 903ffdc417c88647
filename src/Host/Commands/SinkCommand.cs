using System.CommandLine;
using Insights.Contracts.Configuration;
using Insights.Host.Configuration;
using Insights.Sinks.Elasticsearch;
using Insights.Sinks.Hosting;
using Insights.Sinks.Kafka;
using Insights.Sinks.Snapshots;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Insights.Host.Commands;

/// <summary>
/// `insights sink`: the Generic Host service that consumes the scores topic in its own consumer group, writes
/// Elasticsearch and takes S3 snapshots. Settings come from sections Kafka, Elasticsearch, S3 and Snapshots;
/// a bad value stops start-up with one line naming the key.
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
            var services = builder.Services;
            services.AddSingleton(settings.Kafka);
            services.AddSingleton(settings.Elasticsearch);
            services.AddSingleton(settings.Snapshots);
            services.AddSingleton(_ => settings.Elasticsearch.CreateClient());
            services.AddSingleton<ScoreIndex>();
            services.AddSingleton<ScoreIndexWriter>();
            services.AddSingleton<ScoreTopicConsumer>();
            services.AddHostedService<ElasticsearchSinkService>();
            if (settings.Snapshots.IntervalSeconds > 0)
            {
                services.AddSingleton<IScoreStateSource>(new ScoreTopicState(settings.Kafka));
                services.AddSingleton(settings.Snapshots.CreateStore(settings.S3));
                services.AddSingleton<SnapshotWriter>();
                services.AddHostedService<SnapshotSchedule>();
            }
            await builder.Build().RunAsync(ct);
            return 0;
        });
        return command;
    }
}

/// <summary>The sinks' four configuration sections, each checked, failing with the first wrong key.</summary>
public sealed record SinkSettings(KafkaSettings Kafka, ElasticsearchSettings Elasticsearch, S3Endpoint S3, SnapshotSettings Snapshots)
{
    public static SinkSettings Load(IConfiguration configuration, bool needKafka = true)
    {
        var kafka = needKafka ? configuration.KafkaSettings() : configuration.Bind<KafkaSettings>(KafkaSettings.Section);
        var elasticsearch = Checked(configuration.Bind<ElasticsearchSettings>(ElasticsearchSettings.Section), s => s.Problem());
        var snapshots = Checked(configuration.Bind<SnapshotSettings>(SnapshotSettings.Section), s => s.Problem());
        var s3 = configuration.Bind<S3Endpoint>(S3EndpointCheck.Section);
        if (snapshots.Store == "s3") s3 = Checked(s3, s => s.Problem());
        return new SinkSettings(kafka, elasticsearch, s3, snapshots);
    }

    private static T Checked<T>(T settings, Func<T, string?> problem) =>
        problem(settings) is { } line ? throw new CommandLineError($"configuration: {line}") : settings;
}
