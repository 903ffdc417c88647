using Insights.Propensity.Collective;
using Insights.Propensity.Members;
using Insights.Propensity.Scoring;
using static Insights.Propensity.Tests.TestCatalog;

namespace Insights.Propensity.Tests.Scoring;

public class PropensityScorerTests
{
    /// <summary>A hand-made model that only looks at the sequence feature (weight 2 per standard deviation).</summary>
    private static PropensityModel SequenceOnlyModel(float intercept = -3) => new()
    {
        ModelVersion = "test",
        Settings = Settings,
        Features = FeatureNames.All,
        Means = new float[FeatureNames.Count],
        Scales = Enumerable.Repeat(1f, FeatureNames.Count).ToArray(),
        Weights = Enumerable.Range(0, FeatureNames.Count).Select(k => k == FeatureNames.Sequence ? 2f : 0f).ToArray(),
        Intercept = intercept,
    };

    private static (CollectiveState, MemberState) World()
    {
        var catalog = Create();
        var collective = new CollectiveState(Settings);
        long ticket = 1;
        // Many members go 1 -> 2; movie 3 is never seen after 1.
        for (var m = 0; m < 5; m++)
        {
            var other = new MemberState(100 + m, 3);
            foreach (var (movie, i) in new[] { 1, 2 }.Select((x, i) => (x, i)))
                collective.Apply(CoAttendance.From(other, other.Apply(new TicketEvent(ticket++, 100 + m, movie, Start + i * Day), catalog.Find(movie)!.Genres, Settings)));
        }
        var lone = new MemberState(200, 3);
        collective.Apply(CoAttendance.From(lone, lone.Apply(new TicketEvent(ticket++, 200, 3, Start), GenreDrama, Settings)));

        var member = new MemberState(1, 3);
        collective.Apply(CoAttendance.From(member, member.Apply(new TicketEvent(ticket, 1, 1, Start + 5 * Day), GenreAction, Settings)));
        return (collective, member);
    }

    [Fact]
    public void The_movie_that_usually_follows_the_members_last_movie_scores_highest()
    {
        var (collective, member) = World();
        var scorer = new PropensityScorer(SequenceOnlyModel(), Create());
        var scores = new CandidateScore[3];

        scorer.Score(member, [2, 3, 5], collective, Start + 6 * Day, scores);

        Assert.True(scores[0].Probability > scores[1].Probability);
        Assert.Equal(scores[1].Probability, scores[2].Probability);
        Assert.Equal(PropensityScorer.Sigmoid(-3), scores[1].Probability, 6);
    }

    [Fact]
    public void Probabilities_are_between_zero_and_one_and_seen_movies_are_flagged()
    {
        var (collective, member) = World();
        var scorer = new PropensityScorer(SequenceOnlyModel(), Create());
        var scores = new CandidateScore[4];

        scorer.Score(member, [1, 2, 3, 4], collective, Start + 6 * Day, scores);

        Assert.All(scores, s => Assert.InRange(s.Probability, 0f, 1f));
        Assert.True(scores[0].AlreadySeen);
        Assert.False(scores[1].AlreadySeen);
        Assert.Equal([1, 2, 3, 4], scores.Select(s => s.MovieId));
    }

    [Fact]
    public void Scoring_a_warm_member_allocates_nothing()
    {
        var (collective, member) = World();
        var scorer = new PropensityScorer(SequenceOnlyModel(), Create());
        var scores = new CandidateScore[4];
        int[] candidates = [2, 3, 4, 5];
        scorer.Score(member, candidates, collective, Start + 6 * Day, scores);

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 100; i++) scorer.Score(member, candidates, collective, Start + 6 * Day, scores);

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void Features_follow_the_published_feature_list()
    {
        var (collective, member) = World();
        var extractor = new FeatureExtractor(Settings, Create());
        var features = new float[FeatureExtractor.Width];

        extractor.Extract(member, [2], collective, Start + 6 * Day, features);

        Assert.Equal(FeatureNames.Count, FeatureExtractor.Width);
        Assert.True(features[FeatureNames.Sequence] > 0);
        Assert.True(features[FeatureNames.CoAttendance] > 0);
        Assert.Equal(MathF.Log(1 + 5), features[FeatureNames.Popularity], 5);
        Assert.Equal(0, features[FeatureNames.GenreAffinity]); // member likes GenreAction, movie 2 is a GenreComedy
        Assert.Equal(MathF.Log(2), features[FeatureNames.MemberFrequency], 5);
    }

    [Fact]
    public void Cached_movie_features_follow_new_attendances_and_other_views()
    {
        var (collective, member) = World();
        var extractor = new FeatureExtractor(Settings, Create());
        var features = new float[FeatureExtractor.Width];
        extractor.Extract(member, [2], collective, Start + 6 * Day, features);
        var before = features[FeatureNames.Popularity];

        var newcomer = new MemberState(300, 3);
        collective.Apply(CoAttendance.From(newcomer, newcomer.Apply(new TicketEvent(999, 300, 2, Start + 6 * Day), GenreComedy, Settings)));
        extractor.Extract(member, [2], collective, Start + 6 * Day, features);
        Assert.Equal(MathF.Log(1 + 6), features[FeatureNames.Popularity], 5);
        Assert.True(features[FeatureNames.Popularity] > before);

        var (otherWorld, _) = World();
        extractor.Extract(member, [2], otherWorld, Start + 6 * Day, features);
        Assert.Equal(before, features[FeatureNames.Popularity]);
    }
}
