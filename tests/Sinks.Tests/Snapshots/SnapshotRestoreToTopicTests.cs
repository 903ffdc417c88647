using Insights.Contracts.Topics;
using Insights.Sinks.Kafka;
using Insights.Sinks.Snapshots;
using Insights.Sinks.Tests.Kafka;
using Insights.TestSupport;

namespace Insights.Sinks.Tests.Snapshots;

public sealed class SnapshotRestoreToTopicTests(ScoreTopics kafka) : IClassFixture<ScoreTopics>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Restoring_into_an_empty_topic_gives_back_every_members_snapshotted_update()
    {
        var state = new ScoreStateInMemory(partitions: 3);
        for (var m = 1; m <= 120; m++)
        {
            state.Add(ScoreChange.Of(ScoreUpdates.For(m, 1)));
            state.Add(ScoreChange.Of(ScoreUpdates.For(m, 4, ageBand: "45-54", gender: "F")));
        }
        state.Add(ScoreChange.Delete(60));
        var store = new LocalFolderStore(Directory.CreateTempSubdirectory("insights-restore-topic-").FullName);
        var manifest = await new SnapshotWriter(state, store, new SnapshotSettings(), new SteppingClock()).TakeAsync(Ct);

        var restored = await new SnapshotRestore(new SnapshotCatalog(store, "snapshots")).ToTopicAsync(manifest, kafka.Settings, TopicNames.Scores, force: false, Ct);

        Assert.Equal(119, restored);
        var topic = new ScoreTopicState(kafka.Settings);
        var read = (await Task.WhenAll((await topic.PartitionsAsync(Ct)).Select(p => topic.ReadAsync(p, Ct))))
            .SelectMany(p => p.Members).OrderBy(u => u.MemberId).ToList();
        var expected = (await Task.WhenAll(manifest.Files.Select(f => new SnapshotCatalog(store, "snapshots").ReadAsync(f, Ct))))
            .SelectMany(f => f).OrderBy(u => u.MemberId).ToList();
        Assert.Equal(expected.Select(ScoreRecords.Value), read.Select(ScoreRecords.Value));
        Assert.DoesNotContain(read, u => u.MemberId == 60);
        Assert.All(read, u => Assert.Equal(4, u.Version));
    }
}

public sealed class SnapshotRestoreToNonEmptyTopicTests(ScoreTopics kafka) : IClassFixture<ScoreTopics>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Restoring_into_a_topic_that_holds_records_is_refused_naming_it_and_the_count_unless_forced()
    {
        await kafka.ProduceAsync(Enumerable.Range(1, 7).Select(m => ScoreChange.Of(ScoreUpdates.For(m, 9))));
        var state = new ScoreStateInMemory(partitions: 2);
        for (var m = 1; m <= 10; m++) state.Add(ScoreChange.Of(ScoreUpdates.For(m, 2)));
        var store = new LocalFolderStore(Directory.CreateTempSubdirectory("insights-restore-nonempty-").FullName);
        var manifest = await new SnapshotWriter(state, store, new SnapshotSettings(), new SteppingClock()).TakeAsync(Ct);
        var restore = new SnapshotRestore(new SnapshotCatalog(store, "snapshots"));

        var refused = await Assert.ThrowsAsync<RestoreTargetNotEmptyException>(() => restore.ToTopicAsync(manifest, kafka.Settings, TopicNames.Scores, force: false, Ct));

        Assert.Contains($"topic {TopicNames.Scores} is not empty: it holds 7 records", refused.Message);
        Assert.Contains("--force", refused.Message);
        Assert.Equal(7, kafka.HighWatermarks().Sum()); // nothing was written

        Assert.Equal(10, await restore.ToTopicAsync(manifest, kafka.Settings, TopicNames.Scores, force: true, Ct));
        Assert.Equal(17, kafka.HighWatermarks().Sum());
    }
}
