using Insights.Api;
using Insights.Api.Tests;
using Insights.Contracts.Scores;
using Insights.Fixtures.Elasticsearch;
using Insights.Sinks;
using Insights.Sinks.Elasticsearch;
using Insights.Sinks.Tests.Elasticsearch;
using Insights.TestSupport;

namespace Insights.Api.Tests;

/// <summary>
/// Campaign sizing over the score index (the segment through the ranked query, page by page; the whole audience by
/// nested sum and range aggregations) answers as the topic view does for the same records.
/// </summary>
public sealed class CampaignSizeQueryTests(ElasticsearchServer server) : IClassFixture<ElasticsearchServer>
{
    private const int Movie = 1;
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static TheoryData<int, string?, string?, double?> Segments() => new()
    {
        { 100, null, null, null },
        { 1_500, null, null, null }, // two pages of the ranked query
        { 50, "25-34", "F", null },
        { 100, null, "M", 0.004 },
        { 5_000, null, null, null }, // more than the audience: every member
    };

    [Theory]
    [MemberData(nameof(Segments))]
    public async Task The_index_sizes_a_segment_as_the_topic_view_does(int top, string? age, string? gender, double? floor)
    {
        var (index, view) = await AudienceAsync(2_400);
        var query = new AudienceQuery(Movie, top, floor, age, gender);

        var fromIndex = await Sizing(index).SizeAsync(query, Ct);
        var fromTopic = await view.CampaignSizeAsync(query, Ct);

        Assert.Equal((fromTopic.Members, fromTopic.AudienceSize), (fromIndex.Members, fromIndex.AudienceSize));
        Assert.True(fromIndex.Members > 0);
        // Segment scores come back as single precision from the documents' source; sums as the index adds doubles.
        Assert.Equal(fromTopic.ExpectedAttendance, fromIndex.ExpectedAttendance, 1e-5 * fromTopic.ExpectedAttendance);
        Assert.Equal(fromTopic.ExpectedTotal, fromIndex.ExpectedTotal, 1e-9);
        Assert.Equal(fromTopic.Share, fromIndex.Share, 1e-5);
        Assert.Equal(fromTopic.Lift, fromIndex.Lift, 1e-4 * fromTopic.Lift);
        Assert.Equal(fromTopic.AgeBands, fromIndex.AgeBands);
        Assert.Equal(fromTopic.Genders, fromIndex.Genders);
    }

    [Fact]
    public async Task The_curve_climbs_best_bin_first_to_the_whole_audience_and_agrees_with_the_topic_views_curve_where_sizes_meet()
    {
        var (index, view) = await AudienceAsync(800);
        var query = new AudienceQuery(Movie, 100);

        var curve = (await Sizing(index).SizeAsync(query, Ct)).Curve;
        var audience = (await view.TopAudienceAsync(query with { Top = 1_000 }, Ct)).Members.Select(m => m.Score).ToList();

        Assert.True(curve.Count > 5, $"expected a point per non-empty bin, got {curve.Count}");
        Assert.Equal(audience.Count, curve[^1].Members);
        Assert.Equal(audience.Sum(), curve[^1].ExpectedAttendance, 1e-9);
        Assert.All(curve.Zip(curve.Skip(1)), pair => Assert.True(pair.Second.Members > pair.First.Members && pair.Second.ExpectedAttendance > pair.First.ExpectedAttendance));
        // A point sits at a bin edge: its members are the best of the audience, so it sums their scores.
        Assert.All(curve, point => Assert.Equal(audience.Take(point.Members).Sum(), point.ExpectedAttendance, 1e-9));
        // Lift falls as the segment reaches further down the audience, to 1 for the whole audience.
        Assert.True(curve[0].Lift > curve[^1].Lift);
        Assert.Equal(1, curve[^1].Lift, 1e-9);
    }

    [Fact]
    public async Task The_index_counts_and_sums_a_movies_whole_audience_as_the_topic_view_does()
    {
        var (index, view) = await AudienceAsync(1_200);

        var fromIndex = await Sizing(index).TotalAsync(Movie, Ct);
        var fromTopic = await view.AudienceTotalAsync(Movie, Ct);
        var sized = await view.CampaignSizeAsync(new AudienceQuery(Movie, 1), Ct);

        // The sizing sums best first, the total in the view's order: the same sum up to rounding.
        Assert.Equal(sized.AudienceSize, fromTopic.Members);
        Assert.Equal(sized.ExpectedTotal, fromTopic.ExpectedAttendance, 1e-9);
        Assert.Equal(fromTopic.Members, fromIndex.Members);
        Assert.Equal(fromTopic.ExpectedAttendance, fromIndex.ExpectedAttendance, 1e-9);
    }

    [Fact]
    public async Task A_movie_without_audience_sizes_to_nothing()
    {
        var (index, _) = await AudienceAsync(10);

        var size = await Sizing(index).SizeAsync(new AudienceQuery(99, 10), Ct);

        Assert.Equal((0, 0, 0.0, 0.0), (size.Members, size.AudienceSize, size.ExpectedAttendance, size.Lift));
        Assert.Empty(size.Curve);
    }

    private static ElasticsearchCampaignSize Sizing(ScoreIndexUnderTest index) =>
        new(index.Client, index.Settings, new AudienceQueries(index.Client, index.Settings));

    /// <summary>Members 1..<paramref name="count"/> with skewed scores for the movie, every tenth having seen it, demographics spread.</summary>
    private async Task<(ScoreIndexUnderTest Index, TopicAudienceView View)> AudienceAsync(int count)
    {
        var index = await ScoreIndexUnderTest.CreateAsync(server);
        var scores = SkewedScores.Of(count, seed: 5);
        var changes = scores.Select((score, i) => ScoreUpdates.For(i + 1, 1, movies: 3, ageBand: AgeBands.All[i % 7], gender: i % 3 == 0 ? "F" : "M",
                seen: i % 10 == 0 ? [Movie] : []) is var u
            ? ScoreChange.Of(u with { Scores = [.. u.Scores.Select(s => s.MovieId == Movie ? s with { Score = score } : s)] })
            : null!).ToList();
        await index.Writer.WriteAsync(changes, Ct);
        await index.RefreshAsync();
        var view = new TopicAudienceView();
        foreach (var change in changes) view.Apply(change);
        return (index, view);
    }
}
