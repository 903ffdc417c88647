using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Insights.Api;
using Insights.Api.Tests;
using Insights.Contracts.Scores;
using Insights.Fixtures.Elasticsearch;
using Insights.Sinks;
using Insights.Sinks.Tests.Elasticsearch;
using Insights.TestSupport;

namespace Insights.Api.Tests;

/// <summary>
/// The score histogram over the score index (nested `audience_scores`, a filter to the movie, explicit log-scale
/// ranges) answers as the topic view does for the same records, and the server refuses what it cannot aggregate.
/// </summary>
public sealed class ScoreHistogramQueryTests(ElasticsearchServer server) : IClassFixture<ElasticsearchServer>
{
    private const int Movie = 1;
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_skewed_audience_is_binned_as_the_topic_view_bins_it_each_member_once()
    {
        var index = await ScoreIndexUnderTest.CreateAsync(server);
        var scores = SkewedScores.Of(400, seed: 11);
        var changes = scores.Select((score, i) => ScoreChange.Of(ScoreUpdates.For(i + 1, 1, movies: 3, seen: i % 10 == 0 ? [Movie] : []) is var u
            ? u with { Scores = [.. u.Scores.Select(s => s.MovieId == Movie ? s with { Score = score } : s)] } : null!)).ToList();
        // A newer version of member 2 and a deleted member 3: one count for the one, none for the other.
        changes.Add(ScoreChange.Of(changes[1].Update! with { Version = 2, Scores = [new MovieScore(Movie, 0.5, false)] }));
        changes.Add(ScoreChange.Delete(3));
        await index.Writer.WriteAsync(changes, Ct);
        await index.RefreshAsync();
        var view = new TopicAudienceView();
        foreach (var change in changes) view.Apply(change);

        var fromIndex = await new ElasticsearchHistogram(index.Client, index.Settings).HistogramAsync(Movie, ScoreBins.Default, Ct);
        var fromTopic = await view.HistogramAsync(Movie, ScoreBins.Default, Ct);

        Assert.Equal(fromTopic.Bins, fromIndex.Bins);
        Assert.Equal(fromTopic.Members, fromIndex.Members);
        Assert.Equal(400 - 40 - 1, fromIndex.Members);
        Assert.True(fromIndex.Bins.Max(b => b.Count) < fromIndex.Members / 4, "one bar holds most of the audience");
    }

    [Fact]
    public async Task A_movie_without_audience_has_empty_bins()
    {
        var index = await ScoreIndexUnderTest.CreateAsync(server);
        await index.Writer.WriteAsync([ScoreChange.Of(ScoreUpdates.For(1, 1, movies: 2))], Ct);
        await index.RefreshAsync();

        var histogram = await new ElasticsearchHistogram(index.Client, index.Settings).HistogramAsync(99, 5, Ct);

        Assert.Equal(0, histogram.Members);
        Assert.Equal(ScoreBins.Edges(5)[..^1], histogram.Bins.Select(b => b.From));
    }

    [Theory]
    // Rank features keep no doc values: the field cannot be aggregated, and one feature of it is no field at all.
    [InlineData("""{"range":{"field":"audience","ranges":[{"to":0.5}]}}""", "do not support sorting, scripting or aggregating")]
    [InlineData("""{"range":{"field":"gender","ranges":[{"to":0.5}]}}""", "of type [keyword] is not supported for aggregation [range]")]
    [InlineData("""{"nested":{"path":"movies"}}""", "is not nested")]
    [InlineData("""{"range":{"field":"audience_scores.score"}}""", "No [ranges] specified")]
    [InlineData("""{"sum":{"field":"gender"}}""", "of type [keyword] is not supported for aggregation [sum]")]
    [InlineData("""{"sum":{"field":"audience"}}""", "do not support sorting, scripting or aggregating")]
    [InlineData("""{"sum":{"field":"member_id"},"aggs":{"b":{"sum":{"field":"member_id"}}}}""", "cannot accept sub-aggregations")]
    public async Task The_server_refuses_an_aggregation_it_cannot_run(string aggregation, string reason)
    {
        var index = await ScoreIndexUnderTest.CreateAsync(server);
        await index.Writer.WriteAsync([ScoreChange.Of(ScoreUpdates.For(1, 1, movies: 2, gender: "F"))], Ct);
        await index.RefreshAsync();

        var (status, body) = await SearchAsync(index, """{"size":0,"aggs":{"a":""" + aggregation + "}}");

        Assert.True(status >= HttpStatusCode.BadRequest, $"expected a refusal, got {status}: {body}");
        Assert.Contains(reason, body["error"]!.ToJsonString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Nested_scores_are_no_fields_of_the_member_document_and_a_feature_is_unmapped_so_both_count_nothing()
    {
        var index = await ScoreIndexUnderTest.CreateAsync(server);
        await index.Writer.WriteAsync([ScoreChange.Of(ScoreUpdates.For(1, 1, movies: 2))], Ct);
        await index.RefreshAsync();

        var (status, body) = await SearchAsync(index, """
            {"size":0,"aggs":{"outside":{"range":{"field":"audience_scores.score","ranges":[{"from":0}]}},
             "feature":{"range":{"field":"audience.1","ranges":[{"from":0}]}},
             "inside":{"nested":{"path":"audience_scores"},"aggs":{"s":{"range":{"field":"audience_scores.score","ranges":[{"from":0}]}}}}}}
            """);

        Assert.Equal(HttpStatusCode.OK, status);
        var aggregations = body["aggregations"]!;
        Assert.Equal(0, aggregations["outside"]!["buckets"]![0]!["doc_count"]!.GetValue<int>());
        Assert.Equal(0, aggregations["feature"]!["buckets"]![0]!["doc_count"]!.GetValue<int>());
        Assert.Equal(2, aggregations["inside"]!["s"]!["buckets"]![0]!["doc_count"]!.GetValue<int>());
    }

    private async Task<(HttpStatusCode Status, JsonNode Body)> SearchAsync(ScoreIndexUnderTest index, string body)
    {
        using var http = new HttpClient { BaseAddress = server.BaseUri };
        using var response = await http.PostAsync($"{index.Settings.Alias}/_search", new StringContent(body, Encoding.UTF8, "application/json"), Ct);
        return (response.StatusCode, JsonNode.Parse(await response.Content.ReadAsStringAsync(Ct))!);
    }
}
