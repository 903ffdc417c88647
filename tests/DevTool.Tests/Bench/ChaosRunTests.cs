using Insights.DevTool.Bench.Chaos;
using Insights.DevTool.Tests.Demo;
using Insights.Fixtures;
using Insights.Fixtures.Elasticsearch;
using Insights.TestSupport;

namespace Insights.DevTool.Tests.Bench;

/// <summary>
/// The CI version of `insights bench chaos` (the same <see cref="ChaosRun"/>, shorter): tickets sold into MariaDB at
/// 200/s for 20 s while the capture, a worker and the sink are each killed with SIGKILL once and MariaDB is restarted
/// once; the final scores on the topic, in the sink's S3 snapshot and in the Elasticsearch fake must equal the replay of
/// what MariaDB committed, and every movie's published count its committed tickets.
/// </summary>
[Collection(AloneUnderLoad.Name), Trait(AloneUnderLoad.Trait, AloneUnderLoad.Value)]
public sealed class ChaosRunTests
{
    [Fact]
    public async Task Killing_capture_worker_and_sink_and_restarting_MariaDB_under_load_loses_nothing_and_counts_nothing_twice()
    {
        DemoRunProcess.SkipUnlessInstalled();
        await using var elasticsearch = await ElasticsearchFake.StartAsync();
        var text = new StringWriter();
        var output = TextWriter.Synchronized(text);
        var settings = new ChaosSettings(Path.Combine(RepositoryPaths.Root, "models", "propensity-ml100k.json"), new DirectoryInfo(DemoRunProcess.Dataset),
            Duration: TimeSpan.FromSeconds(20), Rate: 200, KillsPerRole: 1, Seed: 11, Runs: 1, ElasticsearchUrl: elasticsearch.BaseUri.ToString(),
            SnapshotIntervalSeconds: 5, LiveFraction: 0.97, Deadline: TimeSpan.FromSeconds(120),
            ProfileIntervalMs: 1000,
            // 20 s of sales stay far below the mock's 5 MiB per partition, and fewer tasks start sooner.
            Partitions: 16);

        var outcome = (await new ChaosRun(settings, output).ExecuteAsync(TestContext.Current.CancellationToken)).Single();

        var log = text.ToString();
        TestContext.Current.TestOutputHelper?.WriteLine(log);
        Assert.True(outcome.Passed, log);
        var figures = outcome.Figures!;
        Assert.Equal("capture 1, worker 1, sink 1", string.Join(", ", figures.Kills.Select(k => $"{k.Key} {k.Value}")));
        Assert.Equal(1, figures.MariaDbRestarts);
        Assert.Equal(new[] { "topic", "snapshot", "Elasticsearch" }, figures.Comparisons.Select(c => c.Place.Split(' ')[0]));
        Assert.All(figures.Comparisons, c => Assert.True(c.Equal, c.Summary()));
        // The first 3% of ml-100k's history and 20 s of sales reach dozens of members.
        Assert.True(figures.MembersCompared > 50, $"only {figures.MembersCompared} members compared\n{log}");
        Assert.True(figures.TicketsCommitted - figures.TicketsSeeded >= 200 * 20 * 0.7, $"only {figures.TicketsCommitted - figures.TicketsSeeded} tickets sold live\n{log}");
    }
}
