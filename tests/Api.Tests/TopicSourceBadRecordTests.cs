using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Confluent.Kafka;
using Insights.Contracts.Topics;
using Insights.Sinks;
using Insights.Sinks.Kafka;
using Insights.TestSupport;

namespace Insights.Api.Tests;

/// <summary>Api:Source=scores-topic with records no reader can use on the topic: the API skips them and keeps answering.</summary>
public sealed class TopicSourceBadRecordTests(PageTopics kafka) : IClassFixture<PageTopics>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static byte[] With(long member, long version, string field, string json)
    {
        var value = (JsonObject)JsonNode.Parse(ScoreRecords.Value(ScoreUpdates.For(member, version, movies: 4)))!;
        value[field] = JsonNode.Parse(json);
        return Encoding.UTF8.GetBytes(value.ToJsonString());
    }

    [Fact]
    public async Task Records_that_are_not_valid_score_records_are_skipped_and_every_audience_query_still_answers()
    {
        await kafka.ProduceScoresAsync([
            ScoreChange.Of(ScoreUpdates.For(1, 1, movies: 4)),
            ScoreChange.Of(ScoreUpdates.For(2, 1, movies: 4))]);
        using (var producer = new ProducerBuilder<byte[], byte[]>(kafka.Settings.ApplyTo(ScoreTopicProducer.Config())).SetLogHandler((_, _) => { }).Build())
        {
            foreach (var (key, value) in new (string, byte[])[]
                     {
                         ("1", With(1, 2, "scores", "null")), // a newer version of member 1 no reader can use
                         ("3", With(3, 1, "scores", "null")),
                         ("4", With(4, 1, "scores", """[{"movie_id":2,"score":0.9,"seen":false},{"movie_id":2,"score":0.8,"seen":false}]""")),
                         ("5", With(5, 1, "scores", """[{"movie_id":2,"score":5.0,"seen":false}]""")),
                         ("6", "{not json"u8.ToArray()),
                     })
                await producer.ProduceAsync(TopicNames.Scores, new Message<byte[], byte[]> { Key = Encoding.UTF8.GetBytes(key), Value = value }, Ct);
        }
        await using var api = await TopicApi.StartAsync(kafka, Ct);

        var audience = await api.Http.GetFromJsonAsync<JsonElement>("/movies/2/audience?top=10", Ct);
        var histogram = await api.Http.GetAsync("/movies/2/histogram?bins=4", Ct);
        var first = await api.Http.GetFromJsonAsync<JsonElement>("/members/1/propensities", Ct);
        var skipped = await api.Http.GetAsync("/members/3/propensities", Ct);

        Assert.Equal(new[] { 1L, 2L }.OrderByDescending(m => ScoreUpdates.ScoreOf(m, 1, 2)),
            audience.GetProperty("members").EnumerateArray().Select(m => m.GetProperty("member_id").GetInt64()));
        Assert.Equal(HttpStatusCode.OK, histogram.StatusCode);
        Assert.Equal(1, first.GetProperty("version").GetInt64()); // keeps its last valid update
        Assert.Equal(HttpStatusCode.NotFound, skipped.StatusCode);
    }
}
