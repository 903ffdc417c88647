using Elastic.Clients.Elasticsearch;
using Insights.Fixtures.Elasticsearch;
using Insights.Sinks.Elasticsearch;
using Insights.Sinks.Hosting;
using Insights.Sinks.Snapshots;
using Insights.Sinks.Tests.Kafka;
using Insights.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Insights.Sinks.Tests.Hosting;

public sealed class SinkServicesTests(ScoreTopics kafka, ElasticsearchServer elasticsearch)
    : IClassFixture<ScoreTopics>, IClassFixture<ElasticsearchServer>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static LocalFolderStore TempStore() => new(Directory.CreateTempSubdirectory("insights-sink-services-").FullName);

    [Fact]
    public void Elasticsearch_off_and_snapshots_off_is_refused_naming_both_keys()
    {
        var off = new ElasticsearchSettings { Enabled = false };
        var never = new SnapshotSettings { IntervalSeconds = 0 };

        var problem = SinkServices.NothingToDo(off, never);
        var thrown = Assert.Throws<InvalidOperationException>(() => new ServiceCollection().AddScoreSinks(kafka.Settings, off, never, TempStore()));

        Assert.NotNull(problem);
        Assert.Contains("Elasticsearch:Enabled", problem);
        Assert.Contains("Snapshots:IntervalSeconds", problem);
        Assert.Equal(problem, thrown.Message);
        Assert.Null(SinkServices.NothingToDo(new ElasticsearchSettings(), never));
        Assert.Null(SinkServices.NothingToDo(off, new SnapshotSettings { IntervalSeconds = 60 }));
    }

    [Fact]
    public void Elasticsearch_on_runs_the_Elasticsearch_sink_and_the_snapshot_schedule()
    {
        var services = new ServiceCollection().AddLogging()
            .AddScoreSinks(kafka.Settings, new ElasticsearchSettings(), new SnapshotSettings { IntervalSeconds = 60 }, TempStore());

        Assert.Equal([typeof(ElasticsearchSinkService), typeof(SnapshotSchedule)], HostedServices(services));
        Assert.Contains(services, d => d.ServiceType == typeof(ElasticsearchClient));
        Assert.Null(SinkServices.SnapshotsOnlyLine(new ElasticsearchSettings(), new SnapshotSettings(), TempStore()));
    }

    [Fact]
    public async Task Elasticsearch_off_runs_only_the_snapshot_schedule_without_touching_Elasticsearch_or_joining_the_group()
    {
        var fake = elasticsearch.RequireFake();
        await kafka.ProduceAsync(Enumerable.Range(1, 50).Select(m => ScoreChange.Of(ScoreUpdates.For(m, 1))));
        var settings = new ElasticsearchSettings { Enabled = false, Url = fake.BaseUri.ToString(), ConsumerGroup = $"sink-{Guid.NewGuid():N}" };
        var snapshots = new SnapshotSettings { IntervalSeconds = 1 };
        var store = TempStore();
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder();
        builder.Services.AddScoreSinks(kafka.Settings, settings, snapshots, store);
        var requestsBefore = fake.RequestCount;

        using var host = builder.Build();
        Assert.Equal([typeof(SnapshotSchedule)], host.Services.GetServices<IHostedService>().Select(s => s.GetType()));
        Assert.Null(host.Services.GetService<ElasticsearchClient>());
        await host.StartAsync(Ct);
        var catalog = new SnapshotCatalog(store, snapshots.Prefix);
        IReadOnlyList<SnapshotManifest> taken = [];
        await Poll.UntilAsync(async () => (taken = await catalog.ListAsync(Ct)).Count > 0, () => "the first snapshot", TimeSpan.FromSeconds(30), Ct,
            TimeSpan.FromMilliseconds(200));
        await host.StopAsync(Ct);

        Assert.Equal(50, taken[0].Members);
        Assert.Equal(requestsBefore, fake.RequestCount);
        Assert.All(kafka.Committed(settings.ConsumerGroup), offset => Assert.True(offset < 0, $"the disabled sink committed offset {offset}"));
        var line = SinkServices.SnapshotsOnlyLine(settings, snapshots, store);
        Assert.NotNull(line);
        Assert.Contains("Elasticsearch:Enabled is false", line);
    }

    private static IReadOnlyList<Type?> HostedServices(IServiceCollection services) =>
        services.Where(d => d.ServiceType == typeof(IHostedService)).Select(d => d.ImplementationType).ToList();
}
