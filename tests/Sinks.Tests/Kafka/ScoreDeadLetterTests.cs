using System.Diagnostics;
using System.Text;
using System.Text.Json.Nodes;
using Confluent.Kafka;
using Insights.Contracts.Topics;
using Insights.Fixtures.Elasticsearch;
using Insights.Sinks.Kafka;
using Insights.Sinks.Tests.Elasticsearch;
using Insights.TestSupport;

namespace Insights.Sinks.Tests.Kafka;

public sealed class ScoreDeadLetterTests(ScoreTopics kafka, ElasticsearchServer elasticsearch)
    : IClassFixture<ScoreTopics>, IClassFixture<ElasticsearchServer>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);

    /// <summary>A valid update's JSON with one field replaced: what a buggy producer could write.</summary>
    private static byte[] With(long member, string field, string json)
    {
        var value = (JsonObject)JsonNode.Parse(ScoreRecords.Value(ScoreUpdates.For(member, 1)))!;
        value[field] = JsonNode.Parse(json);
        return Utf8(value.ToJsonString());
    }

    [Fact]
    public async Task Unreadable_records_go_to_the_dead_letter_topic_with_reason_and_origin_and_the_sink_commits_past_them()
    {
        var index = await ScoreIndexUnderTest.CreateAsync(elasticsearch);
        var settings = index.Settings with { ConsumerGroup = $"sink-{Guid.NewGuid():N}", BulkMaxWaitMs = 50 };
        var good = Enumerable.Range(1, 60).Select(m => ScoreUpdates.For(m, 1)).ToList();
        var unknownSchema = ScoreUpdates.For(70, 1) with { Schema = 99 };
        var bad = new (byte[]? Key, byte[]? Value, string Reason)[]
        {
            (Utf8("61"), Utf8("{not json"), "is not a ScoreUpdate"),
            (Utf8("70"), ScoreRecords.Value(unknownSchema), "schema 99 is unknown"),
            (Utf8("71"), ScoreRecords.Value(ScoreUpdates.For(72, 1)), "key says member 71, value says member 72"),
            (Utf8("m-73"), ScoreRecords.Value(ScoreUpdates.For(73, 1)), "is not a member id"),
            ([0xff, 0xfe], ScoreRecords.Value(ScoreUpdates.For(74, 1)), "not UTF-8"),
            // Well-formed JSON no consumer can use: each used to crash the writer (or be refused by Elasticsearch) on every restart.
            (Utf8("75"), With(75, "scores", "null"), "scores is null"),
            (Utf8("76"), With(76, "scores", """[{"movie_id":2,"score":0.4,"seen":false},{"movie_id":2,"score":0.3,"seen":false}]"""), "movie 2 is scored twice"),
            (Utf8("77"), With(77, "scores", """[{"movie_id":2,"score":7.5,"seen":false}]"""), "movie 2 has score 7.5"),
            (Utf8("78"), With(78, "version", "-4"), "version must be"),
        };
        // Bad records in the middle of good ones, so the sink must go on past them on their partitions.
        var records = good.Take(30).Select(u => ((byte[]?)Utf8(ScoreRecords.Key(u.MemberId)), (byte[]?)ScoreRecords.Value(u)))
            .Concat(bad.Select(b => (b.Key, b.Value)))
            .Concat(good.Skip(30).Select(u => ((byte[]?)Utf8(ScoreRecords.Key(u.MemberId)), (byte[]?)ScoreRecords.Value(u))))
            .ToList();
        var landed = await kafka.ProduceRawAsync(TopicNames.Scores, records);
        var badOrigins = landed.Skip(30).Take(bad.Length).ToList();
        var consumer = new ScoreTopicConsumer(kafka.Settings, settings, index.Writer);

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var run = consumer.RunAsync(stop.Token);
        try
        {
            await Poll.UntilAsync(() => consumer.Committed >= records.Count || run.IsCompleted,
                () => $"the sink committing all {records.Count} records (committed {consumer.Committed})", TimeSpan.FromSeconds(60), Ct);
            Assert.False(run.IsCompleted, "the sink stopped on an unreadable record");
            Assert.Equal(records.Count, consumer.Committed);
            Assert.Equal(bad.Length, consumer.DeadLettered);
            Assert.Equal(kafka.HighWatermarks(), kafka.Committed(settings.ConsumerGroup));
        }
        finally
        {
            await stop.CancelAsync();
            await run;
        }

        Assert.Equal(good.Count, await index.LiveMembersAsync());
        var letters = DeadLetterTopic.Read(kafka, bad.Length);
        Assert.Equal(bad.Length, letters.Count);
        foreach (var (expected, origin) in bad.Zip(badOrigins))
        {
            var letter = DeadLetterTopic.Of(letters, origin);
            Assert.Equal(expected.Key, letter.Message.Key);
            Assert.Equal(expected.Value, letter.Message.Value);
            Assert.Contains(expected.Reason, DeadLetterTopic.Header(letter, DeadLetterHeaders.Error));
            Assert.StartsWith(nameof(InvalidDataException), DeadLetterTopic.Header(letter, DeadLetterHeaders.Error));
            Assert.Equal(TopicNames.Scores, DeadLetterTopic.Header(letter, DeadLetterHeaders.SourceTopic));
            Assert.Equal("sink", DeadLetterTopic.Header(letter, DeadLetterHeaders.Stage));
        }
    }
}

/// <summary>Reads `insights.deadletter` back (one partition) and picks letters by the record they came from.</summary>
public static class DeadLetterTopic
{
    /// <summary>The letters on the topic, waiting for <paramref name="expected"/> of them and then a little longer for any extra.</summary>
    public static List<ConsumeResult<byte[]?, byte[]?>> Read(ScoreTopics kafka, int expected)
    {
        using var reader = new ConsumerBuilder<byte[]?, byte[]?>(kafka.Settings.ApplyTo(new ConsumerConfig { GroupId = "dead-letter-reader", EnableAutoCommit = false }))
            .SetLogHandler((_, _) => { }).Build();
        reader.Assign(new TopicPartitionOffset(TopicNames.DeadLetter, 0, Offset.Beginning));
        var letters = new List<ConsumeResult<byte[]?, byte[]?>>();
        var clock = Stopwatch.StartNew();
        while (letters.Count < expected && clock.Elapsed < TimeSpan.FromSeconds(20))
            if (reader.Consume(TimeSpan.FromMilliseconds(200)) is { } letter) letters.Add(letter);
        // Anything beyond the expected letters would be a duplicate or a good record sent there by mistake.
        if (reader.Consume(TimeSpan.FromMilliseconds(500)) is { } extra) letters.Add(extra);
        return letters;
    }

    public static string Header(ConsumeResult<byte[]?, byte[]?> letter, string name) =>
        letter.Message.Headers.TryGetLastBytes(name, out var bytes) ? Encoding.UTF8.GetString(bytes) : "";

    /// <summary>The one letter sent for the record at <paramref name="origin"/>.</summary>
    public static ConsumeResult<byte[]?, byte[]?> Of(IEnumerable<ConsumeResult<byte[]?, byte[]?>> letters, TopicPartitionOffset origin) =>
        Assert.Single(letters, l => Header(l, DeadLetterHeaders.SourceOffset) == origin.Offset.Value.ToString()
                                    && Header(l, DeadLetterHeaders.SourcePartition) == origin.Partition.Value.ToString());
}
