using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Insights.Api;
using Insights.Contracts.Cinema;
using Insights.Contracts.Scores;
using Insights.Sinks;
using Insights.TestSupport;

namespace Insights.Api.Tests;

/// <summary>The API with Api:Source=scores-topic: the same audience answers as over Elasticsearch, plus the page's movies, histogram and live stats.</summary>
public sealed class TopicSourceApiTests(PageTopics kafka) : IClassFixture<PageTopics>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Audience_movies_histogram_and_live_stats_come_from_the_topics()
    {
        var movies = new MovieChanges();
        await kafka.ProduceMoviesAsync([movies.Movie(7, "Harbour Lights", MovieRow.NowShowing), movies.Movie(8, "Paper Moon", MovieRow.Archived)]);
        await kafka.ProduceScoresAsync([
            ScoreChange.Of(ScoreUpdates.For(1, 1, movies: 4, ageBand: "25-34", gender: "F")),
            ScoreChange.Of(ScoreUpdates.For(2, 1, movies: 4, ageBand: "25-34", gender: "M")),
            ScoreChange.Of(ScoreUpdates.For(3, 1, movies: 4, ageBand: "35-44", gender: "F", seen: 2))]);
        await using var api = await TopicApi.StartAsync(kafka, Ct);

        var all = await api.Http.GetFromJsonAsync<JsonElement>("/movies/2/audience?top=10", Ct);
        var women = await api.Http.GetFromJsonAsync<JsonElement>("/movies/2/audience?top=10&gender=F&age=25-34", Ct);
        var listed = await api.Http.GetFromJsonAsync<JsonElement>("/movies", Ct);
        var histogram = await api.Http.GetFromJsonAsync<JsonElement>("/movies/2/histogram?bins=4", Ct);
        var quiet = await api.Http.GetFromJsonAsync<JsonElement>("/stats?seconds=10", Ct);

        Assert.Equal(new[] { 1L, 2L }.OrderByDescending(m => ScoreUpdates.ScoreOf(m, 1, 2)), Ids(all));
        Assert.Equal([1L], Ids(women));
        Assert.Equal("""[{"movie_id":7,"title":"Harbour Lights","status":"now_showing"}]""", listed.GetProperty("movies").GetRawText());
        Assert.Equal(2, histogram.GetProperty("members").GetInt32());
        Assert.Equal(new[] { 1L, 2L }.Select(m => ScoreBins.IndexOf(ScoreBins.Edges(4), ScoreUpdates.ScoreOf(m, 1, 2))).Order(),
            histogram.GetProperty("bins").EnumerateArray().SelectMany((b, i) => Enumerable.Repeat(i, b.GetProperty("count").GetInt32())));
        // Records already on the topic at start-up are history, not throughput.
        Assert.Equal(0, quiet.GetProperty("total_updates").GetInt64());
        Assert.Equal(10, quiet.GetProperty("seconds").GetArrayLength());
        Assert.True(quiet.GetProperty("caught_up").GetBoolean());

        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        await kafka.ProduceScoresAsync([
            ScoreChange.Of(ScoreUpdates.For(4, 1, movies: 4) with
            {
                Source = new SourcePosition { Gtid = "0-1-99", TsMs = now - 250 }, ComputedAtMs = now - 150, Cause = ScoreCauses.MemberEvent,
            }),
            // A catalog rescore keeps the member's last event, a day old: counted, but not a latency.
            ScoreChange.Of(ScoreUpdates.For(5, 2, movies: 4) with
            {
                Source = new SourcePosition { Gtid = "0-1-98", TsMs = now - 86_400_000 }, ComputedAtMs = now - 100, Cause = ScoreCauses.Catalog,
            })]);
        JsonElement live = default;
        await Poll.UntilAsync(async () =>
        {
            live = await api.Http.GetFromJsonAsync<JsonElement>("/stats?seconds=30", Ct);
            return live.GetProperty("total_updates").GetInt64() == 2;
        }, () => "the live update and the rescore reaching the stats", TimeSpan.FromSeconds(15), Ct);

        var busy = live.GetProperty("seconds").EnumerateArray().Where(s => s.GetProperty("updates").GetInt64() > 0).ToList();
        Assert.Equal(1, live.GetProperty("total_rescores").GetInt64());
        Assert.Equal(1, busy.Sum(s => s.GetProperty("rescores").GetInt64()));
        var measured = busy.Single(s => s.GetProperty("compute_p50_ms").ValueKind == JsonValueKind.Number);
        Assert.Equal(100, measured.GetProperty("compute_p50_ms").GetInt64());
        Assert.InRange(measured.GetProperty("arrival_p50_ms").GetInt64(), 250, 15_000);
        Assert.Equal(4, (await api.Http.GetFromJsonAsync<JsonElement>("/members/4/propensities", Ct)).GetProperty("member_id").GetInt64());
    }

    [Fact]
    public async Task An_export_of_more_than_a_page_is_the_whole_audience_as_CSV_in_the_order_of_the_pages()
    {
        // 2,500 members scored for movie 9 alone (the other tests of this class share the topics and use movies 1..4):
        // three pages of 1,000, with ties across the page boundaries.
        await kafka.ProduceScoresAsync([.. Enumerable.Range(10_001, 2_500).Select(m => ScoreChange.Of(ScoreUpdates.For(m, 1, movies: 4, ageBand: "25-34", gender: "F") with
        {
            Scores = [new MovieScore(9, 0.001 + m % 700 * 0.001, false)],
        }))]);
        await using var api = await TopicApi.StartAsync(kafka, Ct);

        var response = await api.Http.GetAsync("/movies/9/audience.csv", Ct);
        var csv = (await response.Content.ReadAsStringAsync(Ct)).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var pages = new List<string>();
        string? next = null;
        do
        {
            var page = await api.Http.GetFromJsonAsync<JsonElement>($"/movies/9/audience?top=1000{(next is null ? "" : $"&after={next}")}", Ct);
            pages.AddRange(page.GetProperty("members").EnumerateArray().Select(m =>
                $"{m.GetProperty("member_id").GetInt64()},{m.GetProperty("score").GetDouble().ToString("R", System.Globalization.CultureInfo.InvariantCulture)}," +
                $"{m.GetProperty("age_band").GetString()},{m.GetProperty("gender").GetString()}"));
            next = page.GetProperty("next").GetString();
        } while (next is not null);

        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("attachment; filename=\"audience-movie-9.csv\"", response.Content.Headers.ContentDisposition?.ToString());
        Assert.Equal("member_id,score,age_band,gender", csv[0]);
        Assert.Equal(2_500, pages.Count);
        Assert.Equal(pages, csv[1..]);
    }

    [Fact]
    public async Task Campaign_sizing_sums_the_filtered_segments_probabilities_as_the_audience_pages_give_them()
    {
        await kafka.ProduceScoresAsync([.. Enumerable.Range(20_001, 50).Select(m => ScoreChange.Of(ScoreUpdates.For(m, 1, movies: 4, ageBand: "45-54", gender: m % 2 == 0 ? "F" : "M") with
        {
            Scores = [new MovieScore(11, 0.01 + m % 50 * 0.019, false)],
        }))]);
        await using var api = await TopicApi.StartAsync(kafka, Ct);

        var summary = await api.Http.GetFromJsonAsync<JsonElement>("/movies/11/audience/summary?top=10&gender=F", Ct);
        var segment = await api.Http.GetFromJsonAsync<JsonElement>("/movies/11/audience?top=1000&gender=F", Ct);

        var scores = segment.GetProperty("members").EnumerateArray().Select(m => m.GetProperty("score").GetDouble()).ToList();
        Assert.Equal(25, summary.GetProperty("audience_size").GetInt32());
        Assert.Equal(10, summary.GetProperty("members").GetInt32());
        Assert.Equal(scores.Take(10).Sum(), summary.GetProperty("expected_attendance").GetDouble(), 9);
        Assert.Equal(scores.Sum(), summary.GetProperty("expected_total").GetDouble(), 9);
        Assert.Equal(scores.Take(10).Average() / scores.Average(), summary.GetProperty("lift").GetDouble(), 9);
        Assert.Equal(10, summary.GetProperty("genders").GetProperty("F").GetInt32());
        Assert.Equal(20, summary.GetProperty("curve").GetArrayLength());
    }

    [Theory]
    [InlineData("/movies/2/histogram?bins=0", "bins")]
    [InlineData("/movies/2/histogram?bins=101", "bins")]
    [InlineData("/stats?seconds=0", "seconds")]
    [InlineData("/movies/2/audience?top=10001", "top")]
    public async Task A_bad_query_parameter_is_a_400_naming_it(string url, string parameter)
    {
        await using var api = await TopicApi.StartAsync(kafka, Ct);

        var response = await api.Http.GetAsync(url, Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.StartsWith(parameter, (await response.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("detail").GetString());
    }

    [Fact]
    public async Task The_page_and_its_script_and_style_are_served_from_the_assembly()
    {
        await using var api = await TopicApi.StartAsync(kafka, Ct);

        var html = await api.Http.GetAsync("/", Ct);
        var script = await api.Http.GetAsync("/page.js", Ct);
        var style = await api.Http.GetAsync("/page.css", Ct);

        Assert.Equal("text/html", html.Content.Headers.ContentType?.MediaType);
        var body = await html.Content.ReadAsStringAsync(Ct);
        foreach (var id in new[] { "movie", "audience", "histogram", "throughput", "latency" }) Assert.Contains($"id=\"{id}\"", body);
        Assert.Equal("text/javascript", script.Content.Headers.ContentType?.MediaType);
        Assert.Contains("/movies/${movieId}/histogram", await script.Content.ReadAsStringAsync(Ct));
        Assert.Equal("text/css", style.Content.Headers.ContentType?.MediaType);
    }

    private static IEnumerable<long> Ids(JsonElement answer) => answer.GetProperty("members").EnumerateArray().Select(m => m.GetProperty("member_id").GetInt64());
}
