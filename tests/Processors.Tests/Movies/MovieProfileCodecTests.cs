using Insights.Processors.Movies;
using Insights.Propensity.Collective;
using Insights.Propensity.Members;

namespace Insights.Processors.Tests.Movies;

/// <summary>A movie profile on its topic: the profile, and when its owner published it.</summary>
public sealed class MovieProfileCodecTests
{
    private const long PublishedAtMs = 1_767_225_600_123;

    private static MovieProfile Profile(float count) =>
        new(42, count, 3, Cells(), [20_000, 20_001], [1f, count], [new Neighbour(7, 0.5f)], [new Neighbour(8, 0.25f)]);

    private static float[] Cells()
    {
        var cells = new float[AudienceCell.Count];
        cells[1] = 2f;
        return cells;
    }

    [Fact]
    public void A_profile_reads_back_with_its_publishing_time()
    {
        var read = MovieProfileCodec.Decode(MovieProfileCodec.Encode(Profile(2f), PublishedAtMs));

        Assert.Equal(PublishedAtMs, read.PublishedAtMs);
        Assert.Equal(42, read.Profile.MovieId);
        Assert.Equal(2f, read.Profile.Count);
        Assert.Equal(Cells(), read.Profile.AudienceCells);
        Assert.Equal([1f, 2f], read.Profile.TimelineTotals);
        Assert.Equal(new Neighbour(8, 0.25f), Assert.Single(read.Profile.FollowNeighbours));
    }

    [Fact]
    public void The_same_profile_published_twice_is_the_same_profile_and_a_changed_one_is_not()
    {
        var first = MovieProfileCodec.Encode(Profile(2f), PublishedAtMs);

        Assert.True(MovieProfileCodec.SameProfile(first, MovieProfileCodec.Encode(Profile(2f), PublishedAtMs + 5_000)));
        Assert.False(MovieProfileCodec.SameProfile(first, MovieProfileCodec.Encode(Profile(3f), PublishedAtMs)));
    }

    [Fact]
    public void A_profile_written_before_publishing_times_reads_as_published_at_zero()
    {
        var current = MovieProfileCodec.Encode(Profile(2f), PublishedAtMs);
        // The earlier layout: version 1, no time at the end.
        var legacy = current[..^sizeof(long)];
        legacy[0] = 1;

        var read = MovieProfileCodec.Decode(legacy);

        Assert.Equal(0, read.PublishedAtMs);
        Assert.Equal(2f, read.Profile.Count);
    }

    [Fact]
    public void The_newest_publishing_time_is_kept_when_an_older_profile_arrives_later()
    {
        var movies = new SharedMovieState(Insights.Propensity.ModelSettings.Default, ["drama"], TimeSpan.FromDays(1));

        movies.Apply(new PublishedProfile(Profile(2f), PublishedAtMs));
        movies.Apply(new PublishedProfile(Profile(3f) with { MovieId = 43 }, PublishedAtMs - 2_000));

        Assert.Equal(PublishedAtMs, movies.ProfilesPublishedAtMs);
    }
}
