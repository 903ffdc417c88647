using System.Text;
using Confluent.Kafka;
using Insights.Contracts.Topics;
using Insights.Fixtures.Elasticsearch;
using Insights.Sinks.Kafka;
using Insights.Sinks.Tests.Elasticsearch;
using Insights.TestSupport;

namespace Insights.Sinks.Tests.Kafka;

/// <summary>
/// `Sink:ErrorsTolerance=all` (the default): a score record whose document Elasticsearch refuses goes to the dead-letter
/// topic with its original key, value and headers plus the reason, and the sink commits past it and goes on.
/// </summary>
public sealed class RejectedDocumentDeadLetterTests(ScoreTopics kafka, ElasticsearchServer elasticsearch)
    : IClassFixture<ScoreTopics>, IClassFixture<ElasticsearchServer>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_document_Elasticsearch_refuses_is_dead_lettered_with_the_reason_and_the_sink_goes_on()
    {
        var index = await ScoreIndexUnderTest.CreateAsync(elasticsearch);
        var settings = index.Settings with { ConsumerGroup = $"sink-{Guid.NewGuid():N}", BulkMaxWaitMs = 50 };
        var good = Enumerable.Range(1, 60).Select(m => ScoreUpdates.For(m, 1)).ToList();
        // A valid score record whose document no index takes: a keyword over Lucene's term limit.
        var refused = ScoreUpdates.For(61, 1, gender: new string('F', 40_000));
        var refusedValue = ScoreRecords.Value(refused);
        var records = good.Take(30).Append(refused).Concat(good.Skip(30))
            .Select(u => ((byte[]?)Encoding.UTF8.GetBytes(ScoreRecords.Key(u.MemberId)), (byte[]?)ScoreRecords.Value(u))).ToList();
        var landed = await ProduceWithHeaderAsync(records);
        var origin = landed[30];
        var consumer = new ScoreTopicConsumer(kafka.Settings, settings, index.Writer);

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var run = consumer.RunAsync(stop.Token);
        try
        {
            await Poll.UntilAsync(() => consumer.Committed >= records.Count || run.IsCompleted,
                () => $"the sink committing all {records.Count} records (committed {consumer.Committed})", TimeSpan.FromSeconds(60), Ct);
            Assert.False(run.IsCompleted, "the sink stopped on a document Elasticsearch refused");
            Assert.Equal(records.Count, consumer.Committed);
            Assert.Equal(1, consumer.DeadLettered);
            Assert.Equal(kafka.HighWatermarks(), kafka.Committed(settings.ConsumerGroup));
        }
        finally
        {
            await stop.CancelAsync();
            await run;
        }

        Assert.Equal(good.Count, await index.LiveMembersAsync());
        var letter = DeadLetterTopic.Of(DeadLetterTopic.Read(kafka, 1), origin);
        Assert.Equal("61"u8.ToArray(), letter.Message.Key);
        Assert.Equal(refusedValue, letter.Message.Value);
        Assert.Equal("trace-61", DeadLetterTopic.Header(letter, "trace-id")); // the producer's own header is kept
        var error = DeadLetterTopic.Header(letter, DeadLetterHeaders.Error);
        Assert.StartsWith(nameof(ElasticsearchRejectedException), error);
        Assert.Contains("member 61", error);
        Assert.Contains("immense term", error);
        Assert.Equal("sink", DeadLetterTopic.Header(letter, DeadLetterHeaders.Stage));
    }

    private async Task<IReadOnlyList<TopicPartitionOffset>> ProduceWithHeaderAsync(IReadOnlyList<(byte[]? Key, byte[]? Value)> records)
    {
        using var producer = new ProducerBuilder<byte[]?, byte[]?>(kafka.Settings.ApplyTo(ScoreTopicProducer.Config())).SetLogHandler((_, _) => { }).Build();
        var deliveries = records.Select(r => producer.ProduceAsync(TopicNames.Scores, new Message<byte[]?, byte[]?>
        {
            Key = r.Key,
            Value = r.Value,
            Headers = new Headers { { "trace-id", Encoding.UTF8.GetBytes("trace-" + Encoding.UTF8.GetString(r.Key!)) } },
        })).ToList();
        return (await Task.WhenAll(deliveries)).Select(d => d.TopicPartitionOffset).ToList();
    }
}

/// <summary>`Sink:ErrorsTolerance=none`: the sink stops on a record it cannot write, naming it, and commits nothing past it.</summary>
public sealed class ErrorToleranceNoneTests(ScoreTopics kafka, ElasticsearchServer elasticsearch)
    : IClassFixture<ScoreTopics>, IClassFixture<ElasticsearchServer>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task With_tolerance_none_a_refused_document_stops_the_sink_before_it_commits_past_it()
    {
        var index = await ScoreIndexUnderTest.CreateAsync(elasticsearch);
        var settings = index.Settings with { ConsumerGroup = $"sink-{Guid.NewGuid():N}", BulkMaxWaitMs = 50 };
        var updates = Enumerable.Range(1, 20).Select(m => m == 7 ? ScoreUpdates.For(m, 1, gender: new string('M', 40_000)) : ScoreUpdates.For(m, 1));
        var landed = await kafka.ProduceRawAsync(TopicNames.Scores,
            updates.Select(u => ((byte[]?)Encoding.UTF8.GetBytes(ScoreRecords.Key(u.MemberId)), (byte[]?)ScoreRecords.Value(u))));
        var refused = landed[6];
        var consumer = new ScoreTopicConsumer(kafka.Settings, settings, index.Writer, errors: new SinkErrorSettings { ErrorsTolerance = SinkErrorSettings.None });

        var stopped = await Assert.ThrowsAsync<ErrorToleranceExceededException>(() => consumer.RunAsync(Ct)).WaitAsync(TimeSpan.FromSeconds(60), Ct);

        Assert.Contains("member 7", stopped.Message);
        Assert.Contains("Sink:ErrorsTolerance is none", stopped.Message);
        Assert.Equal(0, consumer.DeadLettered);
        var committed = kafka.Committed(settings.ConsumerGroup)[refused.Partition.Value];
        Assert.True(committed <= refused.Offset.Value, $"committed {committed} past the refused record at {refused}");
    }

    [Fact]
    public void The_setting_takes_all_or_none_and_names_itself_otherwise()
    {
        Assert.True(new SinkErrorSettings().DeadLettersErrors); // the default
        Assert.Null(new SinkErrorSettings { ErrorsTolerance = "none" }.Problem());
        var problem = new SinkErrorSettings { ErrorsTolerance = "some" }.Problem();
        Assert.StartsWith("Sink:ErrorsTolerance has 'some', expected all", problem);
    }
}
