using Insights.Propensity.Members;
using static Insights.Propensity.Tests.TestCatalog;

namespace Insights.Propensity.Tests.Members;

public class MemberStateTests
{
    private static MemberState Member() => new(7, 3, AudienceCell.Of('F', 30));

    private static AttendanceChange Sale(MemberState member, long ticket, int movie, long at, uint genres = GenreAction) =>
        member.Apply(new TicketEvent(ticket, 7, movie, at), genres, Settings);

    [Fact]
    public void Replaying_a_ticket_event_leaves_the_state_byte_identical()
    {
        var member = Member();
        Sale(member, 100, 1, Start);
        Sale(member, 101, 2, Start + Day, GenreComedy);
        var before = MemberStateCodec.Encode(member);

        var change = Sale(member, 101, 2, Start + Day, GenreComedy);

        Assert.Equal(AttendanceChangeKind.None, change.Kind);
        Assert.Equal(before, MemberStateCodec.Encode(member));
    }

    [Fact]
    public void A_refund_retracts_the_attendance_and_its_genre_affinity()
    {
        var member = Member();
        Sale(member, 100, 1, Start);
        var withoutSecond = MemberStateCodec.Encode(member);
        Sale(member, 101, 2, Start, GenreComedy);

        var change = member.Apply(new TicketEvent(101, 7, 2, Start, IsRefund: true), GenreComedy, Settings);

        Assert.Equal(AttendanceChangeKind.Retracted, change.Kind);
        Assert.False(member.HasSeen(2));
        Assert.Equal(1, member.Count);
        Assert.Equal(withoutSecond, MemberStateCodec.Encode(member));
    }

    [Fact]
    public void A_refund_of_a_ticket_not_held_changes_nothing()
    {
        var member = Member();
        Sale(member, 100, 1, Start);
        var before = MemberStateCodec.Encode(member);

        var change = member.Apply(new TicketEvent(999, 7, 1, Start, IsRefund: true), GenreAction, Settings);

        Assert.Equal(AttendanceChangeKind.None, change.Kind);
        Assert.Equal(before, MemberStateCodec.Encode(member));
    }

    [Fact]
    public void Refunding_every_ticket_returns_to_the_empty_state()
    {
        var member = Member();
        Sale(member, 100, 1, Start);
        Sale(member, 101, 3, Start + 3 * Day, GenreDrama);
        member.Apply(new TicketEvent(100, 7, 1, Start, true), GenreAction, Settings);
        member.Apply(new TicketEvent(101, 7, 3, Start + 3 * Day, true), GenreDrama, Settings);

        Assert.Equal(MemberStateCodec.Encode(Member()), MemberStateCodec.Encode(member));
    }

    [Fact]
    public void A_late_event_is_placed_in_time_order_and_reports_its_position()
    {
        var member = Member();
        Sale(member, 100, 1, Start);
        Sale(member, 102, 3, Start + 2 * Day);

        var change = Sale(member, 101, 2, Start + Day);

        Assert.Equal(1, change.Position);
        Assert.Equal([1, 2, 3], member.Movies.ToArray());
    }

    [Fact]
    public void Two_tickets_for_the_same_movie_are_two_attendances()
    {
        var member = Member();
        Sale(member, 100, 1, Start);
        Sale(member, 101, 1, Start);

        Assert.Equal(2, member.Count);
        member.Apply(new TicketEvent(100, 7, 1, Start, true), GenreAction, Settings);
        Assert.True(member.HasSeen(1));
    }

    [Fact]
    public void Genre_affinity_decays_with_time_and_favours_recent_genres()
    {
        var member = Member();
        Sale(member, 100, 1, Start, GenreAction);
        Sale(member, 101, 2, Start + 60 * Day, GenreComedy);
        var affinity = new float[3];

        member.GenreAffinityAtTime(Start + 60 * Day, Settings.GenreAffinityDecayDays, affinity);
        Assert.Equal(1f, affinity[1], 4);
        Assert.Equal((float)Math.Exp(-60 / Settings.GenreAffinityDecayDays), affinity[0], 4);

        member.GenreAffinityAtTime(Start + 120 * Day, Settings.GenreAffinityDecayDays, affinity);
        Assert.Equal((float)Math.Exp(-60 / Settings.GenreAffinityDecayDays), affinity[1], 4);
    }

    [Fact]
    public void An_event_for_another_member_is_rejected()
    {
        var member = Member();
        var error = Assert.Throws<ArgumentException>(() => member.Apply(new TicketEvent(1, 8, 1, Start), GenreAction, Settings));
        Assert.Contains("member 8", error.Message);
    }

    [Fact]
    public void A_member_holds_at_most_MaxAttendances_and_forgets_the_oldest_first()
    {
        var settings = Settings with { MaxAttendances = 10 };
        var member = Member();
        var forgotten = new List<AttendanceChange>();
        for (var i = 0; i < 14; i++)
        {
            member.Apply(new TicketEvent(100 + i, 7, 1 + i % 5, Start + i * Day), GenreAction, settings);
            if (member.ForgetBeyondLimit(settings) is { Kind: AttendanceChangeKind.Retracted } change) forgotten.Add(change);
        }

        Assert.Equal(10, member.Count);
        Assert.Equal(Enumerable.Range(4, 10).Select(i => 100L + i), member.Tickets.ToArray());
        Assert.Equal(Enumerable.Range(0, 4).Select(i => (1 + i % 5, Start + i * Day, 0)), forgotten.Select(c => (c.MovieId, c.AtSeconds, c.Position)));
        Assert.Equal(AttendanceChangeKind.None, member.ForgetBeyondLimit(settings).Kind);
    }

    [Fact]
    public void A_refund_of_a_forgotten_ticket_changes_nothing()
    {
        var settings = Settings with { MaxAttendances = 10 };
        var member = Member();
        for (var i = 0; i < 11; i++)
        {
            member.Apply(new TicketEvent(100 + i, 7, 1, Start + i * Day), GenreAction, settings);
            member.ForgetBeyondLimit(settings);
        }
        var before = MemberStateCodec.Encode(member);

        var change = member.Apply(new TicketEvent(100, 7, 1, Start, IsRefund: true), GenreAction, settings);

        Assert.Equal(AttendanceChangeKind.None, change.Kind);
        Assert.Equal(before, MemberStateCodec.Encode(member));
    }

    [Fact]
    public void A_lower_limit_forgets_one_attendance_per_call_until_the_member_fits()
    {
        var member = Member();
        for (var i = 0; i < 30; i++) Sale(member, 100 + i, 1 + i % 5, Start + i * Day);
        var lower = Settings with { MaxAttendances = 12 };

        var calls = 0;
        while (member.ForgetBeyondLimit(lower).Kind == AttendanceChangeKind.Retracted) calls++;

        Assert.Equal(18, calls);
        Assert.Equal(12, member.Count);
        Assert.Equal(Start + 18 * Day, member.FirstAt);
    }
}
