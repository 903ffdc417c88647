using System.Text;
using Insights.Contracts.Topics;
using Insights.Sinks.Kafka;
using Insights.Sinks.Snapshots;
using Insights.Sinks.Tests.Kafka;
using Insights.TestSupport;
using Streamiz.Kafka.Net;

namespace Insights.Sinks.Tests.Snapshots;

public sealed class SnapshotRestorePartitioningTests(ScoreTopics kafka) : IClassFixture<ScoreTopics>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_restored_member_lands_on_the_partition_the_workers_would_write_it_to()
    {
        var state = new ScoreStateInMemory(partitions: 3);
        for (var m = 1; m <= 200; m++) state.Add(ScoreChange.Of(ScoreUpdates.For(m, 2)));
        var store = new LocalFolderStore(Directory.CreateTempSubdirectory("insights-restore-partitions-").FullName);
        var manifest = await new SnapshotWriter(state, store, new SnapshotSettings(), new SteppingClock()).TakeAsync(Ct);

        await new SnapshotRestore(new SnapshotCatalog(store, "snapshots")).ToTopicAsync(manifest, kafka.Settings, TopicNames.Scores, force: false, Ct);

        var topic = new ScoreTopicState(kafka.Settings);
        var restoredOn = (await Task.WhenAll((await topic.PartitionsAsync(Ct)).Select(p => topic.ReadAsync(p, Ct))))
            .SelectMany(p => p.Members.Select(u => (u.MemberId, p.Partition))).ToDictionary(x => x.MemberId, x => x.Partition);
        // Where the workers write: the producer Streamiz builds for them (its default partitioner answers
        // Partition.Any, so the producer's own partitioner decides), writing the same keys to a topic with as
        // many partitions as the scores topic.
        var workers = new StreamConfig { ApplicationId = "insights-workers", BootstrapServers = kafka.BootstrapServers }.ToProducerConfig();
        var members = restoredOn.Keys.Order().ToList();
        var landed = await kafka.ProduceRawAsync(ScoreTopics.PartitionProbe,
            members.Select(m => ((byte[]?)Encoding.UTF8.GetBytes(ScoreRecords.Key(m)), (byte[]?)null)), workers);

        Assert.Equal(200, restoredOn.Count);
        Assert.Equal(members.Zip(landed).Select(p => (p.First, p.Second.Partition.Value)), members.Select(m => (m, restoredOn[m])));
        // And Java's partitioner itself: murmur2("21") = -973932308 (Kafka's UtilsTest), toPositive % 4 = 0.
        Assert.Equal((-973932308 & 0x7fffffff) % 4, restoredOn[21]);
        Assert.True(restoredOn.Values.Distinct().Count() == 4, "200 members all on fewer than 4 partitions");
    }
}
