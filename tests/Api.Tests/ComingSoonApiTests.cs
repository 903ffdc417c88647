using System.Net.Http.Json;
using System.Text.Json;
using Insights.Api;
using Insights.Contracts.Cinema;
using Insights.Contracts.Scores;
using Insights.Sinks;
using Insights.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Insights.Api.Tests;

/// <summary>
/// `GET /movies/coming-soon` over the topic view: the coming-soon titles side by side with their audience, expected
/// attendance and momentum (its own broker: the movie list is part of what it answers).
/// </summary>
public sealed class ComingSoonApiTests(PageTopics kafka) : IClassFixture<PageTopics>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Coming_soon_titles_come_side_by_side_with_expected_attendance_and_momentum_once_sampled_a_window_ago()
    {
        var movies = new MovieChanges();
        await kafka.ProduceMoviesAsync([
            movies.Movie(7, "Harbour Lights", MovieRow.NowShowing),
            movies.Movie(11, "Night Train", MovieRow.ComingSoon),
            movies.Movie(12, "Quiet Field", MovieRow.ComingSoon)]);
        await kafka.ProduceScoresAsync([
            Scored(1, (7, 0.4, false), (11, 0.2, false), (12, 0.1, false)),
            Scored(2, (7, 0.3, false), (11, 0.3, false), (12, 0.05, false)),
            // Saw Quiet Field at a preview: not part of its audience.
            Scored(3, (11, 0.05, false), (12, 0.9, true))]);
        var clock = new ManualClock(new DateTimeOffset(2026, 12, 4, 9, 0, 0, TimeSpan.Zero));
        await using var api = await TopicApi.StartAsync(kafka, Ct, clock);
        var sampler = api.App.Services.GetServices<IHostedService>().OfType<AudienceTrendSampler>().Single();

        var first = await api.Http.GetFromJsonAsync<JsonElement>("/movies/coming-soon", Ct);
        await sampler.SampleAsync(Ct);
        await kafka.ProduceScoresAsync([Scored(4, (11, 0.25, false), (12, 0.05, false))]);
        await Poll.UntilAsync(async () => Title(await api.Http.GetFromJsonAsync<JsonElement>("/movies/coming-soon", Ct), 11).GetProperty("audience").GetInt32() == 4,
            () => "the new member's scores reaching the view", TimeSpan.FromSeconds(15), Ct);
        clock.Advance(TimeSpan.FromMinutes(61));
        var later = await api.Http.GetFromJsonAsync<JsonElement>("/movies/coming-soon", Ct);

        Assert.Equal([11, 12], first.GetProperty("titles").EnumerateArray().Select(t => t.GetProperty("movie_id").GetInt32()));
        Assert.Equal(60, first.GetProperty("window_minutes").GetInt32());
        Assert.Equal(3, Title(first, 11).GetProperty("audience").GetInt32());
        Assert.Equal(0.2 + 0.3 + 0.05, Title(first, 11).GetProperty("expected_attendance").GetDouble(), 9);
        Assert.Equal(2, Title(first, 12).GetProperty("audience").GetInt32());
        Assert.Equal(0.1 + 0.05, Title(first, 12).GetProperty("expected_attendance").GetDouble(), 9);
        Assert.Equal(JsonValueKind.Null, Title(first, 11).GetProperty("momentum").ValueKind);

        Assert.Equal(0.55, Title(later, 11).GetProperty("expected_before").GetDouble(), 9);
        Assert.Equal((0.8 - 0.55) / 0.55, Title(later, 11).GetProperty("momentum").GetDouble(), 9);
        Assert.Equal((0.2 - 0.15) / 0.15, Title(later, 12).GetProperty("momentum").GetDouble(), 9);
        Assert.Equal(400, (int)(await api.Http.GetAsync("/movies/coming-soon?window_minutes=0", Ct)).StatusCode);
    }

    private static ScoreChange Scored(long member, params (int Movie, double Score, bool Seen)[] scores) =>
        ScoreChange.Of(ScoreUpdates.For(member, 1) with { Scores = [.. scores.Select(s => new MovieScore(s.Movie, s.Score, s.Seen))] });

    private static JsonElement Title(JsonElement answer, int movieId) =>
        answer.GetProperty("titles").EnumerateArray().Single(t => t.GetProperty("movie_id").GetInt32() == movieId);
}
