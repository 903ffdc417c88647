using Insights.Contracts.Configuration;
using Insights.Sinks.Elasticsearch;
using Insights.Sinks.Kafka;
using Insights.Sinks.Snapshots;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Insights.Sinks.Hosting;

/// <summary>
/// What `insights sink` runs, decided from its settings: the Elasticsearch sink (client, index, writer, consumer
/// group) unless `Elasticsearch:Enabled` is false, and the snapshot schedule when `Snapshots:IntervalSeconds` > 0.
/// </summary>
public static class SinkServices
{
    /// <summary>The one-line start-up error when both parts are off, naming both keys; null when there is work.</summary>
    public static string? NothingToDo(ElasticsearchSettings elasticsearch, SnapshotSettings snapshots) =>
        !elasticsearch.Enabled && snapshots.IntervalSeconds == 0
            ? $"{ElasticsearchSettings.Section}:Enabled is false and {SnapshotSettings.Section}:IntervalSeconds is 0: " +
              "the sink has nothing to do (enable Elasticsearch or give snapshots an interval)"
            : null;

    /// <summary>The start-up log line when Elasticsearch is off (null when it is on: the Elasticsearch service says what it does).</summary>
    public static string? SnapshotsOnlyLine(ElasticsearchSettings elasticsearch, SnapshotSettings snapshots, ISnapshotStore store) =>
        elasticsearch.Enabled
            ? null
            : $"sink: {ElasticsearchSettings.Section}:Enabled is false: snapshots only, every {snapshots.IntervalSeconds} s " +
              $"to {store.Location}/{snapshots.Prefix} (no Elasticsearch client, no consumer group)";

    /// <summary>Registers the hosted services the settings ask for; fails with <see cref="NothingToDo"/> when they ask for none.</summary>
    public static IServiceCollection AddScoreSinks(this IServiceCollection services, KafkaSettings kafka,
        ElasticsearchSettings elasticsearch, SnapshotSettings snapshots, ISnapshotStore store, SinkErrorSettings? errors = null)
    {
        if (NothingToDo(elasticsearch, snapshots) is { } problem) throw new InvalidOperationException(problem);
        services.AddSingleton(kafka);
        services.AddSingleton(elasticsearch);
        services.AddSingleton(snapshots);
        services.AddSingleton(errors ?? new SinkErrorSettings());
        if (elasticsearch.Enabled)
        {
            services.AddSingleton(_ => elasticsearch.CreateClient());
            services.AddSingleton<ScoreIndex>();
            services.AddSingleton<ScoreIndexWriter>();
            services.AddSingleton<ScoreTopicConsumer>();
            services.AddHostedService<ElasticsearchSinkService>();
        }
        if (snapshots.IntervalSeconds > 0)
        {
            services.AddSingleton<IScoreStateSource>(provider => new ScoreTopicState(kafka, logger: provider.GetService<ILogger<ScoreTopicState>>()));
            services.AddSingleton(store);
            services.AddSingleton<SnapshotWriter>();
            services.AddHostedService<SnapshotSchedule>();
        }
        return services;
    }
}
