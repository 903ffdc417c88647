using Insights.Propensity.Collective;
using Insights.Propensity.Members;
using static Insights.Propensity.Tests.TestCatalog;

namespace Insights.Propensity.Tests.Collective;

/// <summary>
/// The collective state partitioned by movie: owners that each hold some movies' rows, publishing profiles into a
/// <see cref="MovieTable"/>, give the scorer the same view as one whole <see cref="CollectiveState"/>.
/// </summary>
public class MovieTableTests
{
    private static readonly int[][] Histories = [[1, 2, 3], [2, 1, 4, 5], [3, 5, 1], [4, 4, 2, 6, 1], [6, 5]];

    /// <summary>Replays the histories (two audience cells, one day apart) into every given state.</summary>
    private static void Replay(params CollectiveState[] states)
    {
        long ticket = 1;
        for (var m = 0; m < Histories.Length; m++)
        {
            var member = new MemberState(m, 3, m % 2 == 0 ? AudienceCell.Of('F', 30) : AudienceCell.Of('M', 50));
            for (var i = 0; i < Histories[m].Length; i++)
            {
                var change = member.Apply(new TicketEvent(ticket++, m, Histories[m][i], Start + (m + i) * Day), GenreAction, Settings);
                foreach (var state in states) state.Apply(CoAttendance.From(member, change));
            }
        }
    }

    /// <summary>Two owners (odd and even movie ids) normalising by the whole state's counts, published into a table.</summary>
    private static (CollectiveState Whole, MovieTable Table) PartitionedAndWhole()
    {
        var whole = new CollectiveState(Settings);
        CollectiveState? odd = null, even = null;
        float Count(int movie) => whole.Find(movie)?.Count ?? 0;
        odd = new CollectiveState(Settings, owns: m => m % 2 == 1, countOf: Count);
        even = new CollectiveState(Settings, owns: m => m % 2 == 0, countOf: Count);
        Replay(whole, odd, even);
        var table = new MovieTable(Settings);
        foreach (var owner in new[] { odd, even })
            foreach (var movie in owner.MovieIds())
                table.Apply(owner.Profile(movie)!);
        return (whole, table);
    }

    [Fact]
    public void Owners_hold_only_their_movies_rows()
    {
        var odd = new CollectiveState(Settings, owns: m => m % 2 == 1);
        Replay(odd);

        Assert.Equal([1, 3, 5], odd.MovieIds());
    }

    [Fact]
    public void Profiles_from_movie_owners_give_the_same_view_as_one_whole_state()
    {
        var (whole, table) = PartitionedAndWhole();

        for (var movie = 1; movie <= 6; movie++)
        {
            Assert.Equal(whole.CoAttendanceNeighbours(movie).ToArray(), table.CoAttendanceNeighbours(movie).ToArray());
            Assert.Equal(whole.FollowNeighbours(movie).ToArray(), table.FollowNeighbours(movie).ToArray());
            for (var day = 0; day < 12; day += 3)
            {
                var (a, b) = (whole.Popularity(movie, Start + day * Day), table.Popularity(movie, Start + day * Day));
                Assert.Equal((a.Total, a.ShortWindow, a.LongWindow), (b.Total, b.ShortWindow, b.LongWindow));
            }
            foreach (var cell in new[] { AudienceCell.Of('F', 30), AudienceCell.Of('M', 50) })
                Assert.Equal(whole.AudienceShare(movie, cell), table.AudienceShare(movie, cell), 6);
        }
    }

    [Fact]
    public void A_replaced_profile_moves_the_audience_totals_and_the_counts_version()
    {
        var (_, table) = PartitionedAndWhole();
        var profile = table.Find(1)!;
        var cell = AudienceCell.Of('F', 30);
        var before = (table.AudienceShare(cell), table.CountsVersion);

        var cells = profile.AudienceCells.ToArray();
        cells[cell] += 10;
        table.Apply(profile with { Count = profile.Count + 10, AudienceCells = cells });

        Assert.True(table.AudienceShare(cell) > before.Item1, "ten more attendances in the cell raise its overall share");
        Assert.True(table.CountsVersion > before.Item2, "a count change tells owners to renormalise");
    }

    [Fact]
    public void A_restored_row_answers_as_the_row_it_was_saved_from()
    {
        var saved = new CollectiveState(Settings);
        Replay(saved);
        var restored = new CollectiveState(Settings);
        foreach (var movie in saved.MovieIds())
        {
            var row = saved.Row(movie)!;
            restored.Restore(movie, row.Count, row.Version, row.AudienceCounts(), row.Timeline.Days, row.Timeline.Totals, row.CoAttendance, row.Follow);
        }

        foreach (var movie in saved.MovieIds())
            Assert.Equal(saved.Profile(movie), restored.Profile(movie), ProfileComparer.Instance);
    }

    private sealed class ProfileComparer : IEqualityComparer<MovieProfile?>
    {
        public static readonly ProfileComparer Instance = new();

        public bool Equals(MovieProfile? x, MovieProfile? y) =>
            x is not null && y is not null && x.MovieId == y.MovieId && x.Count == y.Count && x.Version == y.Version
            && x.AudienceCells.SequenceEqual(y.AudienceCells) && x.TimelineDays.SequenceEqual(y.TimelineDays)
            && x.TimelineTotals.SequenceEqual(y.TimelineTotals) && x.CoNeighbours.SequenceEqual(y.CoNeighbours)
            && x.FollowNeighbours.SequenceEqual(y.FollowNeighbours);

        public int GetHashCode(MovieProfile? obj) => obj?.MovieId ?? 0;
    }
}
