using System.Diagnostics;
using Insights.Contracts.Topics;
using Insights.Fixtures.Kafka;
using Insights.Sinks.Kafka;
using Insights.Sinks.Snapshots;
using Insights.Sinks.Tests.Kafka;
using Insights.TestSupport;

namespace Insights.Sinks.Tests.Snapshots;

/// <summary>A broker with a 16-partition scores topic, so a snapshot has many data files before its manifest.</summary>
public sealed class SixteenPartitionScores() : KafkaBroker(new TopicManifest([new TopicSpec(TopicNames.Scores, 16, CleanupPolicy.Compact)]));

public sealed class SnapshotKillTests(SixteenPartitionScores kafka) : IClassFixture<SixteenPartitionScores>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Kill_9_during_a_snapshot_leaves_the_previous_manifest_valid_and_the_half_written_files_unreferenced()
    {
        var settings = new Contracts.Configuration.KafkaSettings { BootstrapServers = kafka.BootstrapServers };
        await new ScoreTopicsProducer(settings).ProduceAsync(Enumerable.Range(1, 3_200).Select(m => ScoreChange.Of(ScoreUpdates.For(m, 1, movies: 40))));
        var folder = Directory.CreateTempSubdirectory("insights-snapshot-kill-").FullName;
        try
        {
            var store = new LocalFolderStore(folder);
            var snapshotSettings = new SnapshotSettings { Prefix = "snapshots" };
            var previous = await new SnapshotWriter(new ScoreTopicState(settings), store, snapshotSettings).TakeAsync(Ct);
            var catalog = new SnapshotCatalog(store, "snapshots");

            // The kill must land after the first data file and before the manifest; if the child was faster,
            // that run proves nothing, so try again (each run is a new snapshot id).
            for (var attempt = 1; attempt <= 3; attempt++)
            {
                var before = (await store.ListAsync("snapshots/data/", Ct)).ToHashSet();
                using var child = InsightsProcess.Start("snapshot take", new Dictionary<string, string>
                {
                    ["Kafka__BootstrapServers"] = kafka.BootstrapServers,
                    ["Snapshots__Store"] = "local", ["Snapshots__LocalPath"] = folder, ["Snapshots__Prefix"] = "snapshots",
                }, "snapshot", "take");
                await Poll.UntilAsync(async () => (await store.ListAsync("snapshots/data/", Ct)).Any(k => !before.Contains(k)) || child.HasExited,
                    () => "the child's first data file", TimeSpan.FromSeconds(60), Ct, TimeSpan.FromMilliseconds(5));
                child.Kill(); // SIGKILL: no cleanup, no finally blocks

                var listed = await catalog.ListAsync(Ct);
                if (listed.Count > attempt) continue; // finished before the kill: not the case under test

                Assert.Equal([previous.Id], listed.Select(m => m.Id));
                foreach (var file in previous.Files) Assert.Equal(file.Members, (await catalog.ReadAsync(file, Ct)).Count);
                var referenced = previous.Files.Select(f => f.Key).ToHashSet();
                var unreferenced = (await store.ListAsync("snapshots/data/", Ct)).Where(k => !referenced.Contains(k)).ToList();
                Assert.NotEmpty(unreferenced);
                Assert.True(unreferenced.Count < 16, $"{unreferenced.Count} data files: the snapshot was complete but for its manifest");
                return;
            }
            Assert.Fail("every child finished its snapshot before the kill; the half-written case was never reached");
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
