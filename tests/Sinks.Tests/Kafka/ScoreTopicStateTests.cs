using System.Text;
using System.Text.Json.Nodes;
using Insights.Contracts.Topics;
using Insights.Sinks.Kafka;
using Insights.Sinks.Snapshots;
using Insights.TestSupport;

namespace Insights.Sinks.Tests.Kafka;

public sealed class ScoreTopicStateTests(ScoreTopics kafka) : IClassFixture<ScoreTopics>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Each_partition_reads_as_the_newest_update_per_member_without_tombstoned_members()
    {
        // Member ids above 100,000 keep this test's records apart from other tests on the shared broker.
        var members = Enumerable.Range(100_001, 60).Select(m => (long)m).ToList();
        await kafka.ProduceAsync(members.SelectMany(m => new[]
        {
            ScoreChange.Of(ScoreUpdates.For(m, 3)), ScoreChange.Of(ScoreUpdates.For(m, 1)), ScoreChange.Of(ScoreUpdates.For(m, 2)),
        }).Concat(members.Take(5).Select(ScoreChange.Delete)));
        var state = new ScoreTopicState(kafka.Settings);

        var partitions = await state.PartitionsAsync(Ct);
        var read = await Task.WhenAll(partitions.Select(p => state.ReadAsync(p, Ct)));

        Assert.Equal([0, 1, 2, 3], partitions);
        Assert.Equal(kafka.HighWatermarks(), read.Select(p => p.EndOffset));
        var ours = read.SelectMany(p => p.Members).Where(u => members.Contains(u.MemberId)).ToList();
        Assert.Equal(members.Skip(5), ours.Select(u => u.MemberId).Order());
        Assert.All(ours, u => Assert.Equal(3, u.Version));
        Assert.All(read, p => Assert.Equal(p.Members.OrderBy(u => u.MemberId).Select(u => u.MemberId), p.Members.Select(u => u.MemberId)));
        Assert.Equal(TopicNames.Scores, state.Topic);
    }

    [Fact]
    public async Task Of_two_updates_with_the_same_version_the_later_is_read()
    {
        // A worker replaying a member's events after a crash re-emits a version it had emitted, scored with newer profiles.
        var rescored = ScoreUpdates.For(100_101, 4, movies: 5);
        await kafka.ProduceAsync([ScoreChange.Of(ScoreUpdates.For(100_101, 4)), ScoreChange.Of(rescored), ScoreChange.Of(ScoreUpdates.For(100_101, 3))]);
        var state = new ScoreTopicState(kafka.Settings);

        var read = await Task.WhenAll((await state.PartitionsAsync(Ct)).Select(p => state.ReadAsync(p, Ct)));

        Assert.Equal(rescored.Scores, read.SelectMany(p => p.Members).Single(u => u.MemberId == 100_101).Scores);
    }
}

public sealed class ScoreTopicStateSkipTests(ScoreTopics kafka) : IClassFixture<ScoreTopics>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_snapshot_leaves_out_records_that_are_not_valid_score_records_counts_them_and_still_completes()
    {
        var good = Enumerable.Range(200_001, 20).Select(m => ScoreUpdates.For(m, 1)).ToList();
        var nullScores = (JsonObject)JsonNode.Parse(ScoreRecords.Value(ScoreUpdates.For(200_001, 2)))!;
        nullScores["scores"] = null;
        await kafka.ProduceRawAsync(TopicNames.Scores, good
            .Select(u => ((byte[]?)Encoding.UTF8.GetBytes(ScoreRecords.Key(u.MemberId)), (byte[]?)ScoreRecords.Value(u)))
            .Append((Encoding.UTF8.GetBytes("200001"), Encoding.UTF8.GetBytes(nullScores.ToJsonString()))) // a newer version no reader can use
            .Append((Encoding.UTF8.GetBytes("200021"), "{not json"u8.ToArray())));
        var folder = Directory.CreateTempSubdirectory("insights-snapshot-skip-").FullName;
        try
        {
            var store = new LocalFolderStore(folder);
            var manifest = await new SnapshotWriter(new ScoreTopicState(kafka.Settings), store, new SnapshotSettings()).TakeAsync(Ct);

            Assert.Equal(2, manifest.Files.Sum(f => f.SkippedRecords));
            var catalog = new SnapshotCatalog(store, "snapshots");
            var members = (await Task.WhenAll(manifest.Files.Select(f => catalog.ReadAsync(f, Ct)))).SelectMany(m => m).ToList();
            Assert.Equal(good.Select(u => u.MemberId), members.Select(u => u.MemberId).Order());
            Assert.Equal(1, members.Single(u => u.MemberId == 200_001).Version); // keeps its last valid update
        }
        finally { Directory.Delete(folder, recursive: true); }
    }
}
