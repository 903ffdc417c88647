using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Insights.Api;
using Insights.Api.Tests.Access;
using Insights.Fixtures.Elasticsearch;
using Insights.Sinks.Tests.Elasticsearch;
using Insights.TestSupport;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Logging;

namespace Insights.Api.Tests;

/// <summary>The audience API on Kestrel (127.0.0.1, free port) over a score index on the shared Elasticsearch server.</summary>
public sealed class AudienceApiTests(ElasticsearchServer elasticsearch) : IClassFixture<ElasticsearchServer>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private async Task<(WebApplication App, HttpClient Http)> StartAsync()
    {
        var api = await ElasticsearchApi.StartAsync(elasticsearch, Ct);
        return (api.App, api.Http);
    }

    [Fact]
    public async Task The_audience_of_a_movie_comes_best_first_with_filters_applied()
    {
        var (app, http) = await StartAsync();
        await using var running = app;

        var all = await http.GetFromJsonAsync<JsonElement>("/movies/2/audience?top=10", Ct);
        var women = await http.GetFromJsonAsync<JsonElement>("/movies/2/audience?top=10&gender=F&age=25-34", Ct);

        var expected = new[] { 1L, 2L }.OrderByDescending(m => ScoreUpdates.ScoreOf(m, 1, 2)).ToArray();
        Assert.Equal(expected, all.GetProperty("members").EnumerateArray().Select(m => m.GetProperty("member_id").GetInt64()));
        Assert.Equal(2, all.GetProperty("movie_id").GetInt32());
        Assert.Equal([1L], women.GetProperty("members").EnumerateArray().Select(m => m.GetProperty("member_id").GetInt64()));
        Assert.Equal(ScoreUpdates.ScoreOf(1, 1, 2), women.GetProperty("members")[0].GetProperty("score").GetDouble(), 6);
    }

    [Fact]
    public async Task A_members_propensities_come_best_first_and_an_unknown_member_is_404()
    {
        var (app, http) = await StartAsync();
        await using var running = app;

        var member = await http.GetFromJsonAsync<JsonElement>("/members/3/propensities", Ct);
        var missing = await http.GetAsync("/members/999/propensities", Ct);

        var movies = member.GetProperty("movies").EnumerateArray().ToList();
        Assert.Equal(ScoreUpdates.For(3, 1, movies: 4, seen: 2).Scores.Select(s => s.MovieId), movies.Select(m => m.GetProperty("movie_id").GetInt32()));
        Assert.True(movies.Single(m => m.GetProperty("movie_id").GetInt32() == 2).GetProperty("seen").GetBoolean());
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Contains("member 999", await missing.Content.ReadAsStringAsync(Ct));
    }

    [Fact]
    public async Task An_export_reads_the_audience_page_by_page_through_next_cursors()
    {
        var (app, http) = await StartAsync();
        await using var running = app;

        var first = await http.GetFromJsonAsync<JsonElement>("/movies/2/audience?top=1", Ct);
        var second = await http.GetFromJsonAsync<JsonElement>($"/movies/2/audience?top=1&after={first.GetProperty("next").GetString()}", Ct);

        var expected = new[] { 1L, 2L }.OrderByDescending(m => ScoreUpdates.ScoreOf(m, 1, 2)).ToArray();
        Assert.Equal(expected[0], first.GetProperty("members")[0].GetProperty("member_id").GetInt64());
        Assert.Equal(expected[1], second.GetProperty("members")[0].GetProperty("member_id").GetInt64());
        Assert.Equal(JsonValueKind.Null, second.GetProperty("next").ValueKind);
    }

    [Theory]
    [InlineData("/movies/2/audience?after=bm90LWEtY3Vyc29y", "after")]
    [InlineData("/movies/2/audience?top=1001", "top")]
    [InlineData("/movies/2/audience?top=0", "top")]
    [InlineData("/movies/2/audience?min_score=1.5", "min_score")]
    [InlineData("/movies/2/audience?age=30", "age")]
    public async Task A_bad_query_parameter_is_a_400_naming_it(string url, string parameter)
    {
        var (app, http) = await StartAsync();
        await using var running = app;

        var response = await http.GetAsync(url, Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.StartsWith(parameter, (await response.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Without_the_topics_sizing_comes_from_the_index_and_movies_comparison_and_stats_are_503_and_without_a_model_file_model_is_404_naming_what_they_need()
    {
        var (app, http) = await StartAsync();
        await using var running = app;

        var sizing = await http.GetFromJsonAsync<JsonElement>("/movies/2/audience/summary?top=1", Ct);
        var tooLarge = await http.GetAsync("/movies/2/audience/summary?top=10001", Ct);
        var movies = await http.GetAsync("/movies", Ct);
        var stats = await http.GetAsync("/stats", Ct);
        var comingSoon = await http.GetAsync("/movies/coming-soon", Ct);
        var model = await http.GetAsync("/model", Ct);

        // Members 1 and 2; member 3 saw movie 2.
        Assert.Equal((1, 2), (sizing.GetProperty("members").GetInt32(), sizing.GetProperty("audience_size").GetInt32()));
        Assert.Equal(HttpStatusCode.NotImplemented, tooLarge.StatusCode);
        Assert.Contains("segments of up to 10,000 members", await tooLarge.Content.ReadAsStringAsync(Ct));
        Assert.Equal((HttpStatusCode.ServiceUnavailable, HttpStatusCode.ServiceUnavailable), (movies.StatusCode, stats.StatusCode));
        Assert.Contains("Kafka:BootstrapServers", await movies.Content.ReadAsStringAsync(Ct));
        Assert.Contains("Kafka:BootstrapServers", await stats.Content.ReadAsStringAsync(Ct));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, comingSoon.StatusCode);
        Assert.Contains("Kafka:BootstrapServers", await comingSoon.Content.ReadAsStringAsync(Ct));
        Assert.Equal(HttpStatusCode.NotFound, model.StatusCode);
        Assert.Contains("Processors:ModelPath", await model.Content.ReadAsStringAsync(Ct));
    }

    [Fact]
    public async Task The_histogram_comes_from_the_index_on_the_log_bins_of_the_audience_who_have_not_seen_the_movie()
    {
        var (app, http) = await StartAsync();
        await using var running = app;

        var histogram = await http.GetFromJsonAsync<JsonElement>("/movies/2/histogram?bins=4", Ct);

        // Members 1 and 2; member 3 saw movie 2.
        Assert.Equal(2, histogram.GetProperty("members").GetInt32());
        Assert.Equal(new[] { 1L, 2L }.Select(m => ScoreBins.IndexOf(ScoreBins.Edges(4), ScoreUpdates.ScoreOf(m, 1, 2))).Order(),
            histogram.GetProperty("bins").EnumerateArray().SelectMany((b, i) => Enumerable.Repeat(i, b.GetProperty("count").GetInt32())));
        Assert.Equal(ScoreBins.Edges(4)[1..], histogram.GetProperty("bins").EnumerateArray().Select(b => b.GetProperty("to").GetDouble()));
    }

    [Fact]
    public async Task The_OpenAPI_document_describes_every_endpoint_but_not_the_page()
    {
        var (app, http) = await StartAsync();
        await using var running = app;

        var document = await http.GetFromJsonAsync<JsonElement>("/openapi/v1.json", Ct);

        var paths = document.GetProperty("paths");
        Assert.True(paths.TryGetProperty("/movies/{id}/audience", out var audience));
        Assert.True(paths.TryGetProperty("/members/{id}/propensities", out _));
        Assert.Contains(audience.GetProperty("get").GetProperty("parameters").EnumerateArray(), p => p.GetProperty("name").GetString() == "min_score");
        foreach (var path in new[] { "/movies/{id}/histogram", "/movies", "/stats" }) Assert.True(paths.TryGetProperty(path, out _), path);
        Assert.False(paths.TryGetProperty("/", out _));
    }
}
