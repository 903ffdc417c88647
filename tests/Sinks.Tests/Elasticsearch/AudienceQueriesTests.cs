using Insights.Contracts.Scores;
using Insights.Fixtures.Elasticsearch;
using Insights.Sinks.Elasticsearch;

namespace Insights.Sinks.Tests.Elasticsearch;

public sealed class AudienceQueriesTests(ElasticsearchServer server) : IClassFixture<ElasticsearchServer>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static ScoreUpdate Member(long id, string age, string gender, params (int Movie, double Score, bool Seen)[] scores) => new()
    {
        MemberId = id,
        Version = 1,
        ModelVersion = "m1",
        Source = new SourcePosition { File = "bin.000001", Pos = 4 + id, TsMs = 1_700_000_000_000 },
        ComputedAtMs = 1_700_000_000_100,
        Scores = scores.Select(s => new MovieScore(s.Movie, s.Score, s.Seen)).ToList(),
        Demographics = new MemberDemographics { AgeBand = age, Gender = gender },
    };

    private async Task<ScoreIndexUnderTest> AudienceAsync()
    {
        var index = await ScoreIndexUnderTest.CreateAsync(server);
        await index.Writer.WriteAsync(new[]
        {
            Member(1, "25-34", "F", (10, 0.90, false), (20, 0.10, false)),
            Member(2, "25-34", "M", (10, 0.70, false), (20, 0.80, false)),
            Member(3, "35-44", "F", (10, 0.50, false), (20, 0.30, false)),
            Member(4, "25-34", "F", (10, 0.95, true), (20, 0.20, false)),  // saw movie 10
            Member(5, "18-24", "F", (10, 0.30, false)),
            Member(6, "25-34", "F", (20, 0.60, false)),                    // movie 10 not a candidate
        }.Select(ScoreChange.Of), Ct);
        await index.RefreshAsync();
        return index;
    }

    [Fact]
    public async Task An_audience_read_page_by_page_with_search_after_gives_every_member_once_then_no_next_page()
    {
        var index = await AudienceAsync();
        var whole = (await index.Queries.TopAudienceAsync(new AudienceQuery(10, 100), Ct)).Members;

        var first = await index.Queries.TopAudienceAsync(new AudienceQuery(10, 2), Ct);
        var second = await index.Queries.TopAudienceAsync(new AudienceQuery(10, 2, After: first.Next), Ct);

        Assert.Equal([1L, 2L, 3L, 5L], whole.Select(m => m.MemberId));
        Assert.Equal([1L, 2L], first.Members.Select(m => m.MemberId));
        Assert.NotNull(first.Next);
        Assert.Equal([3L, 5L], second.Members.Select(m => m.MemberId));
        Assert.Null(second.Next);
    }

    [Fact]
    public async Task Top_members_for_a_movie_come_best_first_without_members_who_saw_it()
    {
        var index = await AudienceAsync();

        var top = (await index.Queries.TopAudienceAsync(new AudienceQuery(10, 3), Ct)).Members;

        Assert.Equal([1L, 2L, 3L], top.Select(m => m.MemberId));
        Assert.Equal(0.90, top[0].Score, 6);
        Assert.Equal(("25-34", "F"), (top[0].AgeBand, top[0].Gender));
    }

    [Fact]
    public async Task A_score_floor_and_demographic_filters_narrow_the_audience()
    {
        var index = await AudienceAsync();

        var floor = (await index.Queries.TopAudienceAsync(new AudienceQuery(10, 100, MinScore: 0.5), Ct)).Members;
        var women = (await index.Queries.TopAudienceAsync(new AudienceQuery(10, 100, Gender: "F"), Ct)).Members;
        var band = (await index.Queries.TopAudienceAsync(new AudienceQuery(10, 100, AgeBand: "25-34", Gender: "F"), Ct)).Members;

        Assert.Equal([1L, 2L, 3L], floor.Select(m => m.MemberId));
        Assert.Equal([1L, 3L, 5L], women.Select(m => m.MemberId));
        Assert.Equal([1L], band.Select(m => m.MemberId));
    }

    [Fact]
    public async Task A_members_propensities_list_every_candidate_best_first_and_say_which_were_seen()
    {
        var index = await AudienceAsync();

        var member = await index.Queries.MemberPropensitiesAsync(4, Ct);

        Assert.NotNull(member);
        Assert.Equal([new MovieScore(10, 0.95, true), new MovieScore(20, 0.20, false)], member.Movies);
        Assert.Equal("m1", member.ModelVersion);
        Assert.Null(await index.Queries.MemberPropensitiesAsync(404, Ct));
    }

    [Fact]
    public async Task Asking_for_no_members_or_too_many_is_refused()
    {
        var index = await ScoreIndexUnderTest.CreateAsync(server);

        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => index.Queries.TopAudienceAsync(new AudienceQuery(10, 0), Ct));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => index.Queries.TopAudienceAsync(new AudienceQuery(10, AudienceQueries.MaxTop + 1), Ct));
    }
}
