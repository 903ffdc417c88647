using Insights.Fixtures.Elasticsearch;
using Insights.Sinks.Elasticsearch;
using Insights.Sinks.Kafka;
using Insights.Sinks.Tests.Elasticsearch;
using Insights.TestSupport;

namespace Insights.Sinks.Tests.Kafka;

public sealed class ScoreTopicConsumerTests(ScoreTopics kafka, ElasticsearchServer elasticsearch)
    : IClassFixture<ScoreTopics>, IClassFixture<ElasticsearchServer>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Offsets_are_committed_only_after_Elasticsearch_acknowledged_the_records()
    {
        var fake = elasticsearch.RequireFake();
        var index = await ScoreIndexUnderTest.CreateAsync(elasticsearch);
        var settings = index.Settings with { ConsumerGroup = $"sink-{Guid.NewGuid():N}", BulkMaxWaitMs = 50 };
        var changes = Enumerable.Range(1, 400).SelectMany(m => new[] { ScoreChange.Of(ScoreUpdates.For(m, 1)), ScoreChange.Of(ScoreUpdates.For(m, 2)) })
            .Append(ScoreChange.Delete(400)).ToList();
        await kafka.ProduceAsync(changes);
        var consumer = new ScoreTopicConsumer(kafka.Settings, settings, index.Writer);

        fake.FailNext(int.MaxValue, 503); // Elasticsearch unavailable: nothing may be committed
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var run = consumer.RunAsync(stop.Token);
        try
        {
            await Task.Delay(TimeSpan.FromSeconds(8), Ct); // past the mock's first group join (~3 s) and many retries
            Assert.All(kafka.Committed(settings.ConsumerGroup), offset => Assert.True(offset < 0, $"committed {offset} while Elasticsearch refused every write"));
            Assert.Equal(0, consumer.Committed);

            fake.ClearFaults();
            await Poll.UntilAsync(() => consumer.Committed >= changes.Count,
                () => $"the sink committing all {changes.Count} records (committed {consumer.Committed})", TimeSpan.FromSeconds(60), Ct);
            Assert.Equal(changes.Count, consumer.Committed);
            Assert.Equal(kafka.HighWatermarks(), kafka.Committed(settings.ConsumerGroup));
        }
        finally
        {
            fake.ClearFaults();
            await stop.CancelAsync();
            await run;
        }

        Assert.Equal(399, await index.LiveMembersAsync());
        Assert.Equal(2, (await index.Queries.MemberPropensitiesAsync(17, Ct))!.Version);
        Assert.Null(await index.Queries.MemberPropensitiesAsync(400, Ct));
    }
}
