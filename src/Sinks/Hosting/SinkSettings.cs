using Insights.Contracts;
using Insights.Contracts.Configuration;
using Insights.Sinks.Elasticsearch;
using Insights.Sinks.Kafka;
using Insights.Sinks.Snapshots;
using Microsoft.Extensions.Configuration;

namespace Insights.Sinks.Hosting;

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
