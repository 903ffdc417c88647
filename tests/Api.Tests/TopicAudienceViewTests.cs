using Insights.Api;
using Insights.Contracts.Scores;
using Insights.Sinks;
using Insights.Sinks.Elasticsearch;
using Insights.TestSupport;

namespace Insights.Api.Tests;

public sealed class TopicAudienceViewTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static TopicAudienceView ViewOf(params ScoreChange[] changes)
    {
        var view = new TopicAudienceView();
        foreach (var change in changes) view.Apply(change);
        return view;
    }

    [Fact]
    public async Task The_audience_comes_best_first_without_members_who_saw_the_movie()
    {
        var view = ViewOf(
            ScoreChange.Of(ScoreUpdates.For(1, 1, movies: 4)), ScoreChange.Of(ScoreUpdates.For(2, 1, movies: 4)),
            ScoreChange.Of(ScoreUpdates.For(3, 1, movies: 4, seen: 2)), ScoreChange.Of(ScoreUpdates.For(4, 1, movies: 4)));

        var top = (await view.TopAudienceAsync(new AudienceQuery(2, 10), Ct)).Members;

        var expected = new[] { 1L, 2L, 4L }.OrderByDescending(m => ScoreUpdates.ScoreOf(m, 1, 2)).ToList();
        Assert.Equal(expected, top.Select(m => m.MemberId));
        Assert.Equal(expected.Select(m => ScoreUpdates.ScoreOf(m, 1, 2)), top.Select(m => m.Score));
    }

    [Fact]
    public async Task An_audience_read_page_by_page_gives_every_member_once_in_order_then_no_next_page()
    {
        // Ties included: members 1..30 share 10 distinct scores, so the member id must order and resume them.
        var view = ViewOf([.. Enumerable.Range(1, 30).Select(m => ScoreChange.Of(ScoreUpdates.For(m, 1, movies: 4) with
        {
            Scores = [new MovieScore(2, 0.05 + m % 10 * 0.09, false)],
        }))]);
        var whole = (await view.TopAudienceAsync(new AudienceQuery(2, 1000), Ct)).Members;

        var pages = new List<AudiencePage>();
        string? next = null;
        do
        {
            pages.Add(await view.TopAudienceAsync(new AudienceQuery(2, 7, After: next), Ct));
            next = pages[^1].Next;
        } while (next is not null && pages.Count < 10);

        Assert.Equal(30, whole.Count);
        Assert.Equal([7, 7, 7, 7, 2], pages.Select(p => p.Members.Count));
        Assert.Equal(whole, pages.SelectMany(p => p.Members));
    }

    [Theory]
    [InlineData("not base64 ~")]
    [InlineData("MC41")] // "0.5": one value where a cursor holds two
    public async Task A_cursor_the_view_did_not_write_is_refused(string cursor)
    {
        var view = ViewOf(ScoreChange.Of(ScoreUpdates.For(1, 1, movies: 4)));

        var error = await Assert.ThrowsAsync<FormatException>(() => view.TopAudienceAsync(new AudienceQuery(2, 10, After: cursor), Ct));

        Assert.StartsWith("after must be the `next` cursor", error.Message);
    }

    [Fact]
    public async Task Filters_keep_only_matching_demographics_and_scores_at_or_above_the_floor()
    {
        var view = ViewOf(
            ScoreChange.Of(ScoreUpdates.For(1, 1, ageBand: "25-34", gender: "F")), ScoreChange.Of(ScoreUpdates.For(2, 1, ageBand: "25-34", gender: "M")),
            ScoreChange.Of(ScoreUpdates.For(3, 1, ageBand: "35-44", gender: "F")), ScoreChange.Of(ScoreUpdates.For(4, 1)));
        var floor = new[] { 1L, 2L, 3L, 4L }.Select(m => ScoreUpdates.ScoreOf(m, 1, 1)).Order().ElementAt(2);

        var women = (await view.TopAudienceAsync(new AudienceQuery(1, 10, Gender: "F"), Ct)).Members;
        var band = (await view.TopAudienceAsync(new AudienceQuery(1, 10, AgeBand: "25-34", Gender: "M"), Ct)).Members;
        var high = (await view.TopAudienceAsync(new AudienceQuery(1, 10, MinScore: floor), Ct)).Members;

        Assert.Equal([1L, 3L], women.Select(m => m.MemberId).Order());
        Assert.Equal([2L], band.Select(m => m.MemberId));
        Assert.Equal(("25-34", "M"), (band[0].AgeBand, band[0].Gender));
        Assert.Equal(2, high.Count);
        Assert.All(high, m => Assert.True(m.Score >= floor));
    }

    [Fact]
    public async Task Top_cuts_the_list_and_equal_scores_order_by_member_id()
    {
        var same = ScoreUpdates.For(9, 1) with { Scores = [new(1, 0.5, false)] };
        var view = ViewOf(ScoreChange.Of(same with { MemberId = 7 }), ScoreChange.Of(same with { MemberId = 5 }), ScoreChange.Of(same with { MemberId = 6 }));

        var top = (await view.TopAudienceAsync(new AudienceQuery(1, 2), Ct)).Members;

        Assert.Equal([5L, 6L], top.Select(m => m.MemberId));
    }

    [Fact]
    public async Task An_older_version_never_replaces_a_newer_one_and_a_tombstone_drops_the_member()
    {
        var view = ViewOf(
            ScoreChange.Of(ScoreUpdates.For(1, 3)), ScoreChange.Of(ScoreUpdates.For(1, 2)),
            ScoreChange.Of(ScoreUpdates.For(2, 1)), ScoreChange.Delete(2));

        var kept = await view.MemberPropensitiesAsync(1, Ct);
        var deleted = await view.MemberPropensitiesAsync(2, Ct);

        Assert.Equal(3, kept!.Version);
        Assert.Null(deleted);
        Assert.Equal(1, view.Count);
    }

    [Fact]
    public async Task A_members_propensities_come_best_first_with_seen_movies_marked()
    {
        var view = ViewOf(ScoreChange.Of(ScoreUpdates.For(3, 1, movies: 4, seen: 2)));

        var member = await view.MemberPropensitiesAsync(3, Ct);

        Assert.Equal(ScoreUpdates.For(3, 1, movies: 4).Scores.Select(s => s.MovieId), member!.Movies.Select(s => s.MovieId));
        Assert.True(member.Movies.Single(s => s.MovieId == 2).Seen);
        Assert.Equal(("test-model-1", 1_700_000_000_501L), (member.ModelVersion, member.ComputedAtMs));
    }

    [Fact]
    public async Task The_histogram_bins_the_audience_scores_of_members_who_have_not_seen_the_movie_on_a_log_scale()
    {
        ScoreUpdate With(long member, double score, bool seen = false) => ScoreUpdates.For(member, 1) with { Scores = [new(1, score, seen)] };
        var view = ViewOf(ScoreChange.Of(With(1, 0.00005)), ScoreChange.Of(With(2, 0.003)), ScoreChange.Of(With(3, 0.007)),
            ScoreChange.Of(With(4, 0.2)), ScoreChange.Of(With(5, 1.0)), ScoreChange.Of(With(6, 0.004, seen: true)));

        var histogram = await view.HistogramAsync(1, 5, Ct);

        Assert.Equal(5, histogram.Members);
        Assert.Equal([1, 0, 2, 0, 2], histogram.Bins.Select(b => b.Count));
        Assert.Equal((0.001, 0.01), (histogram.Bins[2].From, histogram.Bins[2].To));
    }

    [Fact]
    public async Task A_skewed_audience_is_counted_once_per_member_over_several_bars()
    {
        var scores = SkewedScores.Of(2_000);
        var view = ViewOf([.. scores.Select((score, i) => ScoreChange.Of(ScoreUpdates.For(i + 1, 1) with { Scores = [new(1, score, false)] }))]);

        var histogram = await view.HistogramAsync(1, ScoreBins.Default, Ct);

        Assert.Equal(scores.Count, histogram.Bins.Sum(b => b.Count));
        Assert.True(histogram.Bins.Max(b => b.Count) < scores.Count / 4, $"one bar holds {histogram.Bins.Max(b => b.Count)} of {scores.Count}");
    }
}
