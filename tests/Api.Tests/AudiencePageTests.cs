using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Insights.Api;
using Insights.Api.Tests.Access;
using Insights.Contracts.Cinema;
using Insights.Contracts.Debezium;
using Insights.Contracts.Scores;
using Insights.Fixtures.Browser;
using Insights.Sinks;
using Insights.TestSupport;
using SkiaSharp;

namespace Insights.Api.Tests;

/// <summary>
/// The explorer page in headless Chromium against the API (Api:Source=scores-topic) following a broker: the
/// DOM shows the movie's top audience in order and the histogram's bars; after new score updates stream in,
/// a new load shows the new order; the screenshot has the histogram's bar colour inside the histogram only.
/// Each test has its own broker: the page shows everything on the scores topic, so another test's members
/// would change this one's order.
/// </summary>
public sealed partial class AudiencePageTests : IAsyncLifetime
{
    private readonly PageTopics kafka = new();

    private const int Movie = 1;
    private const int Width = 1320, Height = 1100, VirtualTimeMs = 3000;
    private static readonly SKColor HistogramBar = SKColor.Parse("#e8590c");
    private static readonly SKColor ThroughputBar = SKColor.Parse("#1c7ed6");
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public ValueTask InitializeAsync() => kafka.InitializeAsync();
    public ValueTask DisposeAsync() => kafka.DisposeAsync();

    [Fact]
    public async Task The_page_shows_the_top_audience_and_histogram_and_the_new_order_after_scores_stream_in()
    {
        var browser = HeadlessChromium.Require();
        var movies = new MovieChanges();
        await kafka.ProduceMoviesAsync([
            movies.Movie(1, "Night Train", MovieRow.NowShowing), movies.Movie(2, "Morning Sun", MovieRow.ComingSoon),
            movies.Movie(3, "Old Reel", MovieRow.Archived)]);
        var members = Enumerable.Range(1, 40).Select(m => (long)m).ToList();
        // The movie's scores are skewed as real ones are: most members below 2%, a few far above.
        var skewed = SkewedScores.Of(members.Count);
        var first = members.Select(m => WithMovieScore(ScoreUpdates.For(m, 1, movies: 4, ageBand: AgeBands.All[(int)(m % 7)], gender: m % 2 == 0 ? "F" : "M",
            seen: m % 5 == 0 ? [Movie] : []), skewed[(int)m - 1])).ToList();
        await kafka.ProduceScoresAsync(first.Select(ScoreChange.Of));
        await using var api = await TopicApi.StartAsync(kafka, Ct);
        // The key handed over in the address, as a user following a link from their key store would.
        var page = new Uri(api.Address, $"/?movie={Movie}#key={TestKeys.Analyst.Key}");

        var before = await browser.DumpDomAsync(page, Width, Height, VirtualTimeMs, Ct);

        var current = first.ToDictionary(u => u.MemberId);
        Assert.Equal(TopOf(current.Values), RowsOf(before));
        Assert.Equal(HistogramOf(current.Values), BarCountsOf(before));
        Assert.True(BarCountsOf(before).Count(c => c > 0) >= 5, $"expected several non-empty bars, got {string.Join(",", BarCountsOf(before))}");
        Assert.True(BarCountsOf(before).Max() < BarCountsOf(before).Sum() / 2, "one bar holds most of the audience");
        Assert.Contains(">Night Train (now showing)<", before);
        Assert.Contains(">Morning Sun (coming soon)<", before);
        Assert.DoesNotContain("Old Reel", before);
        // The coming-soon comparison shows the API's expected attendance for the one title coming soon.
        var comingSoon = (await api.Http.GetFromJsonAsync<JsonElement>("/movies/coming-soon", Ct)).GetProperty("titles").EnumerateArray().Single();
        Assert.Equal(2, comingSoon.GetProperty("movie_id").GetInt32());
        Assert.Contains($"<tr data-coming-soon=\"2\" data-expected=\"{comingSoon.GetProperty("expected_attendance").GetDouble().ToString("F6", CultureInfo.InvariantCulture)}\"><td>Morning Sun</td>" +
            $"<td>{comingSoon.GetProperty("audience").GetInt32()}</td>", before);
        Assert.Contains("Every audience figure leaves out the members who already saw the movie.", before);

        // Tickets streamed in: two members now love the movie, the former favourite was deleted.
        var favourite = TopOf(current.Values)[0];
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var boosted = new[] { Boost(33, 0.995, now), Boost(8, 0.990, now) };
        // A catalog change rescored member 3 with the same scores: their last ticket is a day old, which is no latency.
        var rescored = current[3] with
        {
            Version = 2,
            Source = new SourcePosition { Gtid = "0-1-3", TsMs = now - 86_400_000 },
            ComputedAtMs = now - 100,
            Cause = ScoreCauses.Catalog,
        };
        await kafka.ProduceScoresAsync([.. boosted.Select(ScoreChange.Of), ScoreChange.Of(rescored), ScoreChange.Delete(favourite)]);
        foreach (var update in boosted.Append(rescored)) current[update.MemberId] = update;
        current.Remove(favourite);
        var expected = TopOf(current.Values);
        await Poll.UntilAsync(async () => FirstIds(await api.Http.GetFromJsonAsync<JsonElement>($"/movies/{Movie}/audience?top=20", Ct)).SequenceEqual(expected)
                && (await api.Http.GetFromJsonAsync<JsonElement>("/stats?seconds=60", Ct)).GetProperty("total_updates").GetInt64() == 3,
            () => "the API's view and stats taking in the new scores", TimeSpan.FromSeconds(15), Ct);

        var after = await browser.DumpDomAsync(page, Width, Height, VirtualTimeMs, Ct);
        var shot = await browser.ScreenshotAsync(page, Width, Height, VirtualTimeMs, Ct);

        Assert.Equal(expected, RowsOf(after));
        Assert.Equal([33L, 8L], RowsOf(after).Take(2));
        Assert.DoesNotContain(favourite, RowsOf(after));
        Assert.Equal("3", Attribute(after, "throughput", "data-total"));
        // The latency chart is the live series only: both boosts computed 200 ms after their tickets, the rescore is a count.
        Assert.Equal(("2", "1"), (Attribute(after, "latency", "data-live"), Attribute(after, "latency", "data-rescores")));
        var points = LatencyPoint().Matches(after).Select(m => (Series: m.Groups[1].Value, Ms: long.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture))).ToList();
        Assert.Contains(points, p => p.Series == "compute");
        Assert.All(points.Where(p => p.Series == "compute"), p => Assert.Equal(200, p.Ms));
        Assert.All(points, p => Assert.True(p.Ms < 60_000, $"a {p.Series} point of {p.Ms} ms: the day-old rescore is in the live lines"));
        Assert.Matches("<rect class=\"rescore\"[^>]*data-value=\"1\"", after);
        Assert.Contains("1 rescores in the last 60 s are not in these lines", after);
        using var image = SKBitmap.Decode(shot);
        Assert.Equal((Width, Height), (image.Width, image.Height));
        var histogram = Box(after, "histogram");
        var (inside, outside) = CountPixels(image, HistogramBar, histogram);
        Assert.True(inside > 2000, $"expected the histogram's bars inside {histogram}, found {inside} pixels of their colour");
        Assert.Equal(0, outside);
        Assert.True(CountPixels(image, ThroughputBar, Box(after, "throughput")).Inside > 0, "expected a throughput bar for the updates that streamed in");
    }

    [Fact]
    public async Task A_page_filtered_by_age_band_and_gender_shows_only_that_segment_in_order_sizes_it_and_offers_every_band()
    {
        var browser = HeadlessChromium.Require();
        var movies = new MovieChanges();
        await kafka.ProduceMoviesAsync([movies.Movie(1, "Night Train", MovieRow.NowShowing)]);
        var updates = Enumerable.Range(201, 60).Select(m => ScoreUpdates.For(m, 1, movies: 4, ageBand: AgeBands.All[m % 7], gender: m % 2 == 0 ? "F" : "M")).ToList();
        await kafka.ProduceScoresAsync(updates.Select(ScoreChange.Of));
        var model = new ModelCard("lr-0123456789ab", new Dictionary<string, double> { ["validation_ece"] = 0.000206, ["validation_base_rate"] = 0.000636 });
        await using var api = await TopicApi.StartAsync(kafka, Ct, model: model);

        var dom = await browser.DumpDomAsync(new Uri(api.Address, $"/?movie={Movie}&age=25-34&gender=F&size=3#key={TestKeys.Analyst.Key}"), Width, Height, VirtualTimeMs, Ct);

        var segment = await api.Http.GetFromJsonAsync<JsonElement>($"/movies/{Movie}/audience?top=20&age=25-34&gender=F", Ct);
        var sizing = await api.Http.GetFromJsonAsync<JsonElement>($"/movies/{Movie}/audience/summary?top=3&age=25-34&gender=F", Ct);
        var expected = FirstIds(segment).ToList();
        Assert.NotEmpty(expected);
        Assert.All(segment.GetProperty("members").EnumerateArray(), m =>
            Assert.Equal(("25-34", "F"), (m.GetProperty("age_band").GetString(), m.GetProperty("gender").GetString())));
        Assert.Contains(expected, id => updates.Any(u => u.MemberId == id));
        Assert.Equal(expected, RowsOf(dom));
        // The sizing panel shows the API's figures for the best 3 of the segment, and draws its curve.
        Assert.Equal(sizing.GetProperty("expected_attendance").GetDouble().ToString("F6", CultureInfo.InvariantCulture), Attribute(dom, "sizing", "data-expected"));
        Assert.Equal(sizing.GetProperty("lift").GetDouble().ToString("F6", CultureInfo.InvariantCulture), Attribute(dom, "sizing", "data-lift"));
        Assert.Matches("<polyline class=\"curve\" points=\"[^\"]+\"", dom);
        // Beside the sizing, the model the API serves and how far its probabilities were from observed rates.
        var served = await api.Http.GetFromJsonAsync<JsonElement>("/model", Ct);
        Assert.Equal(model.ModelVersion, served.GetProperty("model_version").GetString());
        Assert.Contains($"Model {model.ModelVersion}: its probabilities were off by 0.021 percentage points on average on its validation events " +
            "(expected calibration error, at a base rate of 0.064%)", dom);
        Assert.Equal(AgeBands.All, Regex.Matches(Regex.Match(dom, "<select id=\"age\".*?</select>", RegexOptions.Singleline).Value, "<option>([^<]+)</option>").Select(m => m.Groups[1].Value));
    }

    [Fact]
    public async Task Without_a_key_the_page_shows_the_sign_in_form_and_the_APIs_reason_and_no_member()
    {
        var browser = HeadlessChromium.Require();
        var movies = new MovieChanges();
        await kafka.ProduceMoviesAsync([movies.Movie(1, "Night Train", MovieRow.NowShowing)]);
        await kafka.ProduceScoresAsync([ScoreChange.Of(ScoreUpdates.For(1, 1, movies: 4))]);
        await using var api = await TopicApi.StartAsync(kafka, Ct);

        var dom = await browser.DumpDomAsync(new Uri(api.Address, $"/?movie={Movie}"), Width, Height, VirtualTimeMs, Ct);

        Assert.Matches("<form id=\"sign-in\">", dom);
        Assert.Contains("sign in with an X-Api-Key header", dom);
        Assert.Empty(RowsOf(dom));
    }

    [Fact]
    public async Task A_member_in_the_address_shows_their_best_movies_as_the_API_ranks_them_with_titles_seen_flags_and_the_model()
    {
        var browser = HeadlessChromium.Require();
        var movies = new MovieChanges();
        await kafka.ProduceMoviesAsync([movies.Movie(1, "Night Train", MovieRow.NowShowing), movies.Movie(2, "Blue Harbour", MovieRow.ComingSoon)]);
        await kafka.ProduceScoresAsync([ScoreChange.Of(ScoreUpdates.For(7, 1, movies: 12, seen: [3])), ScoreChange.Of(ScoreUpdates.For(8, 1, movies: 4))]);
        await using var api = await TopicApi.StartAsync(kafka, Ct);

        var dom = await browser.DumpDomAsync(new Uri(api.Address, $"/?movie={Movie}&member=7#key={TestKeys.Analyst.Key}"), Width, Height, VirtualTimeMs, Ct);

        var member = await api.Http.GetFromJsonAsync<JsonElement>("/members/7/propensities", Ct);
        var expected = member.GetProperty("movies").EnumerateArray().Take(10).ToList();
        var rows = MemberRow().Matches(dom).Select(m => (Movie: int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture), Row: m.Groups[2].Value)).ToList();
        Assert.Equal(expected.Select(m => m.GetProperty("movie_id").GetInt32()), rows.Select(r => r.Movie));
        Assert.Equal(10, rows.Count); // the best 10 of 12 candidates
        Assert.All(rows.Where(r => r.Movie is 1 or 2), r => Assert.Contains(r.Movie == 1 ? "Night Train" : "Blue Harbour", r.Row));
        Assert.All(rows, r => Assert.Equal(r.Movie == 3, r.Row.Contains("<td>seen</td>", StringComparison.Ordinal)));
        Assert.Contains("model test-model-1", dom);
        Assert.Contains("member 7: best 10 of 12 candidates", dom);
    }

    [Fact]
    public async Task A_key_without_member_read_gets_the_APIs_reason_in_the_member_panel_and_still_sees_the_audience()
    {
        var browser = HeadlessChromium.Require();
        var movies = new MovieChanges();
        await kafka.ProduceMoviesAsync([movies.Movie(1, "Night Train", MovieRow.NowShowing)]);
        await kafka.ProduceScoresAsync([ScoreChange.Of(ScoreUpdates.For(7, 1, movies: 4))]);
        await using var api = await TopicApi.StartAsync(kafka, Ct);

        var dom = await browser.DumpDomAsync(new Uri(api.Address, $"/?movie={Movie}&member=7#key={TestKeys.Marketing.Key}"), Width, Height, VirtualTimeMs, Ct);

        Assert.Empty(MemberRow().Matches(dom));
        Assert.Matches("<p id=\"member-status\" class=\"figures error\">[^<]*needs the scope member:read", dom);
        Assert.Equal([7L], RowsOf(dom));
    }

    private static ScoreUpdate Boost(long member, double score, long nowMs) => ScoreUpdates.For(member, 2, movies: 4) with
    {
        Scores = [new MovieScore(Movie, score, false), .. ScoreUpdates.For(member, 2, movies: 4).Scores.Where(s => s.MovieId != Movie)],
        Source = new SourcePosition { Gtid = $"0-1-{member}", TsMs = nowMs - 300 },
        ComputedAtMs = nowMs - 100,
        Cause = ScoreCauses.MemberEvent,
    };

    private static List<long> TopOf(IEnumerable<ScoreUpdate> updates) => updates
        .Select(u => (u.MemberId, Score: u.Scores.Single(s => s.MovieId == Movie)))
        .Where(m => !m.Score.Seen)
        .OrderByDescending(m => m.Score.Score).ThenBy(m => m.MemberId)
        .Take(20).Select(m => m.MemberId).ToList();

    private static ScoreUpdate WithMovieScore(ScoreUpdate update, double score) => update with
    {
        Scores = [.. update.Scores.Select(s => s.MovieId == Movie ? s with { Score = score } : s).OrderByDescending(s => s.Score)],
    };

    private static int[] HistogramOf(IEnumerable<ScoreUpdate> updates)
    {
        var edges = ScoreBins.Edges(ScoreBins.Default);
        var counts = new int[ScoreBins.Default];
        foreach (var score in updates.Select(u => u.Scores.Single(s => s.MovieId == Movie)).Where(s => !s.Seen))
            counts[ScoreBins.IndexOf(edges, score.Score)]++;
        return counts;
    }

    private static IEnumerable<long> FirstIds(JsonElement answer) => answer.GetProperty("members").EnumerateArray().Select(m => m.GetProperty("member_id").GetInt64());

    private static List<long> RowsOf(string dom) =>
        AudienceRow().Matches(dom).Select(m => long.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture)).ToList();

    private static int[] BarCountsOf(string dom) =>
        HistogramBarElement().Matches(dom).Select(m => int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture)).ToArray();

    private static string Attribute(string dom, string id, string attribute) =>
        Regex.Match(dom, $"<[^>]*\\bid=\"{id}\"[^>]*>").Value is { Length: > 0 } tag
            && Regex.Match(tag, $"\\b{attribute}=\"([^\"]*)\"") is { Success: true } value
            ? value.Groups[1].Value
            : throw new InvalidOperationException($"the page has no #{id} with {attribute}");

    private static SKRectI Box(string dom, string id)
    {
        var parts = Attribute(dom, id, "data-box").Split(',').Select(p => int.Parse(p, CultureInfo.InvariantCulture)).ToArray();
        return SKRectI.Create(parts[0], parts[1], parts[2], parts[3]);
    }

    private static (int Inside, int Outside) CountPixels(SKBitmap image, SKColor colour, SKRectI box)
    {
        var (inside, outside) = (0, 0);
        for (var y = 0; y < image.Height; y++)
            for (var x = 0; x < image.Width; x++)
                if (image.GetPixel(x, y) == colour)
                {
                    if (box.Contains(x, y)) inside++; else outside++;
                }
        return (inside, outside);
    }

    [GeneratedRegex("<tr data-member=\"(\\d+)\"")]
    private static partial Regex AudienceRow();

    [GeneratedRegex("<tr data-movie=\"(\\d+)\"[^>]*>(.*?)</tr>")]
    private static partial Regex MemberRow();

    [GeneratedRegex("<circle class=\"point ([a-z0-9]+)\"[^>]*data-value=\"(\\d+)\"")]
    private static partial Regex LatencyPoint();

    [GeneratedRegex("<rect class=\"bar\"[^>]*data-count=\"(\\d+)\"")]
    private static partial Regex HistogramBarElement();
}
