using Insights.Contracts.Topics;
using Insights.Sinks.Kafka;

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
        var ours = read.SelectMany(p => p.Members).Where(u => u.MemberId > 100_000).ToList();
        Assert.Equal(members.Skip(5), ours.Select(u => u.MemberId).Order());
        Assert.All(ours, u => Assert.Equal(3, u.Version));
        Assert.All(read, p => Assert.Equal(p.Members.OrderBy(u => u.MemberId).Select(u => u.MemberId), p.Members.Select(u => u.MemberId)));
        Assert.Equal(TopicNames.Scores, state.Topic);
    }
}
