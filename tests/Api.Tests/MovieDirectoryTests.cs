using Insights.Api;
using Insights.Contracts.Cinema;
using Insights.Contracts.Debezium;

namespace Insights.Api.Tests;

public sealed class MovieDirectoryTests
{
    [Fact]
    public void Candidates_are_now_showing_then_coming_soon_by_title_with_archived_and_deleted_movies_left_out()
    {
        var changes = new MovieChanges();
        var directory = new MovieDirectory();
        foreach (var (_, value) in new[]
                 {
                     changes.Movie(1, "Zebra Crossing", MovieRow.NowShowing), changes.Movie(2, "Apple Orchard", MovieRow.ComingSoon),
                     changes.Movie(3, "Midnight", MovieRow.NowShowing), changes.Movie(4, "Old Reel", MovieRow.Archived),
                     changes.Movie(5, "Gone", MovieRow.NowShowing), changes.Movie(5, "Gone", MovieRow.NowShowing, ChangeOperation.Delete),
                     changes.Movie(2, "Apple Orchard", MovieRow.NowShowing, ChangeOperation.Update),
                 })
            directory.Apply(value);
        directory.Apply(null); // the tombstone after a delete

        Assert.Equal(
            [new MovieEntry(2, "Apple Orchard", MovieRow.NowShowing), new MovieEntry(3, "Midnight", MovieRow.NowShowing), new MovieEntry(1, "Zebra Crossing", MovieRow.NowShowing)],
            directory.Candidates());
        Assert.Equal(4, directory.Count);
    }

    [Fact]
    public void A_record_that_is_not_a_movie_change_names_the_problem()
    {
        var error = Assert.Throws<FormatException>(() => new MovieDirectory().Apply("{\"op\":\"c\",\"after\":{\"movie_id\":1}}"u8));

        Assert.Contains("source", error.Message);
    }
}
