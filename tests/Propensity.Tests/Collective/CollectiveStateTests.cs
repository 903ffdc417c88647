using Insights.Propensity.Collective;
using Insights.Propensity.Members;
using static Insights.Propensity.Tests.TestCatalog;

namespace Insights.Propensity.Tests.Collective;

public class CollectiveStateTests
{
    private static readonly byte Cell = AudienceCell.Of('F', 30);

    /// <summary>Members see movies in the given orders, one day apart, through member and collective state.</summary>
    private static (CollectiveState Collective, Dictionary<int, MemberState> Members) Replay(params int[][] histories)
    {
        var collective = new CollectiveState(Settings);
        var members = new Dictionary<int, MemberState>();
        long ticket = 1;
        for (var m = 0; m < histories.Length; m++)
        {
            var member = members[m] = new MemberState(m, 3, Cell);
            for (var i = 0; i < histories[m].Length; i++)
            {
                var change = member.Apply(new TicketEvent(ticket++, m, histories[m][i], Start + i * Day), GenreAction, Settings);
                collective.Apply(CoAttendance.From(member, change));
            }
        }
        return (collective, members);
    }

    [Fact]
    public void Movies_seen_by_the_same_members_become_co_attendance_neighbours()
    {
        var (collective, _) = Replay([1, 2], [1, 2], [1, 3]);

        var neighbours = collective.CoAttendanceNeighbours(1).ToArray();

        Assert.Equal([2, 3], neighbours.Select(n => n.MovieId));
        // cosine: 2 shared / sqrt(3 * 2) for movie 2, 1 / sqrt(3 * 1) for movie 3
        Assert.Equal(2 / MathF.Sqrt(6), neighbours[0].Weight, 5);
        Assert.Equal(1 / MathF.Sqrt(3), neighbours[1].Weight, 5);
    }

    [Fact]
    public void Follow_neighbours_are_directed_and_weighted_by_gap()
    {
        var (collective, _) = Replay([1, 2, 3]);

        var afterOne = collective.FollowNeighbours(1).ToArray();

        Assert.Equal([2, 3], afterOne.Select(n => n.MovieId));
        Assert.True(afterOne[0].Weight > afterOne[1].Weight, "the next movie outweighs the one after it");
        Assert.Empty(collective.FollowNeighbours(3).ToArray());
    }

    [Fact]
    public void A_refund_retracts_the_collective_contribution()
    {
        var (collective, members) = Replay([1, 2]);
        var member = members[0];

        var change = member.Apply(new TicketEvent(2, 0, 2, Start + Day, IsRefund: true), GenreAction, Settings);
        collective.Apply(CoAttendance.From(member, change));

        Assert.Empty(collective.CoAttendanceNeighbours(1).ToArray());
        Assert.Empty(collective.FollowNeighbours(1).ToArray());
        Assert.Equal(0, collective.Popularity(2, Start + Day).Total);
        Assert.Equal(1, collective.Popularity(1, Start + Day).Total);
    }

    [Fact]
    public void A_replayed_ticket_changes_no_collective_count()
    {
        var (collective, members) = Replay([1, 2]);
        var member = members[0];

        var change = member.Apply(new TicketEvent(2, 0, 2, Start + Day), GenreAction, Settings);
        collective.Apply(CoAttendance.From(member, change));

        Assert.Equal(1, collective.Popularity(2, Start + Day).Total);
        Assert.Single(collective.CoAttendanceNeighbours(1).ToArray());
    }

    [Fact]
    public void Popularity_windows_count_attendances_ending_at_the_time_asked()
    {
        var (collective, _) = Replay([1], [2, 1], [3, 5, 6, 4, 2, 2, 2, 2, 1]);
        // movie 1 seen on day 0, day 1 and day 8 after Start.

        var onDay8 = collective.Popularity(1, Start + 8 * Day);
        var onDay1 = collective.Popularity(1, Start + 1 * Day);

        Assert.Equal(3, onDay8.Total);
        Assert.Equal(1, onDay8.ShortWindow);   // days 2..8
        Assert.Equal(3, onDay8.LongWindow);    // days -21..8
        Assert.Equal(2, onDay1.ShortWindow);
    }

    [Fact]
    public void Audience_share_shrinks_small_audiences_towards_the_overall_mix()
    {
        var (collective, _) = Replay([1], [1], [2]);

        var overall = collective.AudienceShare(Cell);
        var movie = collective.AudienceShare(1, Cell);

        Assert.True(movie > overall, "every viewer of movie 1 is in the cell, so its share is above the overall share");
        Assert.True(movie < 1, "two viewers are not proof that everyone in the audience is in the cell");
    }

    [Fact]
    public void A_member_over_the_attendance_limit_counts_only_its_newest_attendances()
    {
        var settings = Settings with { MaxAttendances = 10 };
        var history = Enumerable.Range(0, 25).Select(i => 1 + (i * 5 + i / 3) % 6).ToArray();
        var capped = new CollectiveState(settings);
        var member = new MemberState(1, 3, Cell);
        for (var i = 0; i < history.Length; i++)
        {
            capped.Apply(CoAttendance.From(member, member.Apply(new TicketEvent(i + 1, 1, history[i], Start + i * Day), GenreAction, settings)));
            capped.Apply(CoAttendance.From(member, member.ForgetBeyondLimit(settings)));
        }
        // What a member holding only the newest ten would have contributed.
        var newest = new CollectiveState(settings);
        var fresh = new MemberState(1, 3, Cell);
        for (var i = history.Length - 10; i < history.Length; i++)
            newest.Apply(CoAttendance.From(fresh, fresh.Apply(new TicketEvent(i + 1, 1, history[i], Start + i * Day), GenreAction, settings)));

        for (var movie = 1; movie <= 6; movie++)
        {
            var (a, b) = (capped.Find(movie), newest.Find(movie));
            Assert.Equal(b?.Count ?? 0, a?.Count ?? 0);
            Assert.Equal(Cells(b?.CoAttendance), Cells(a?.CoAttendance));
            Assert.Equal(Cells(b?.Follow), Cells(a?.Follow));
            Assert.Equal(b?.AudienceCounts() ?? new float[AudienceCell.Count], a?.AudienceCounts() ?? new float[AudienceCell.Count]);
        }
    }

    [Fact]
    public void The_same_tickets_applied_in_any_order_leave_the_same_collective_state()
    {
        // A member's tickets reach its task from several partitions: after a restart a late one lands between others.
        var history = new[] { 1, 2, 3, 4, 5, 6, 2, 7, 1, 8 };
        var orders = new[] { Enumerable.Range(0, history.Length).ToArray(), [9, 0, 8, 1, 7, 2, 6, 3, 5, 4], [4, 2, 0, 1, 3, 9, 7, 5, 8, 6] };
        var states = orders.Select(order =>
        {
            var collective = new CollectiveState(Settings);
            var member = new MemberState(1, 3, Cell);
            foreach (var i in order)
                collective.Apply(CoAttendance.From(member, member.Apply(new TicketEvent(i + 1, 1, history[i], Start + i * Day), GenreAction, Settings)));
            return collective;
        }).ToList();

        for (var movie = 1; movie <= 8; movie++)
            foreach (var other in states.Skip(1))
            {
                Assert.Equal(Cells(states[0].Find(movie)?.CoAttendance), Cells(other.Find(movie)?.CoAttendance));
                Assert.Equal(Cells(states[0].Find(movie)?.Follow), Cells(other.Find(movie)?.Follow));
            }
    }

    [Fact]
    public void A_refund_between_two_attendances_leaves_what_a_history_without_it_would()
    {
        var (refunded, members) = Replay([1, 2, 3, 4]);
        var member = members[0];
        refunded.Apply(CoAttendance.From(member, member.Apply(new TicketEvent(2, 0, 2, Start + Day, IsRefund: true), GenreAction, Settings)));

        var never = new CollectiveState(Settings);
        var fresh = new MemberState(0, 3, Cell);
        foreach (var (ticket, movie, day) in new[] { (1L, 1, 0), (3L, 3, 2), (4L, 4, 3) })
            never.Apply(CoAttendance.From(fresh, fresh.Apply(new TicketEvent(ticket, 0, movie, Start + day * Day), GenreAction, Settings)));

        for (var movie = 1; movie <= 4; movie++)
        {
            Assert.Equal(Cells(never.Find(movie)?.CoAttendance), Cells(refunded.Find(movie)?.CoAttendance));
            Assert.Equal(Cells(never.Find(movie)?.Follow), Cells(refunded.Find(movie)?.Follow));
        }
    }

    // Rounded, so an add and a retract of the same follow weight compare equal to never having added it.
    private static List<(int, double)> Cells(Dictionary<int, float>? row) =>
        row is null ? [] : row.Where(c => Math.Abs(c.Value) > 1e-5).Select(c => (c.Key, Math.Round(c.Value, 5))).OrderBy(c => c.Key).ToList();
}
