using Insights.DevTool.Demo;
using static Insights.DevTool.Tests.Demo.CinemaDatabase;

namespace Insights.DevTool.Tests.Demo;

public sealed class CinemaPlannerTests : IDisposable
{
    private readonly SyntheticDataset dataset = new();

    [Fact]
    public void Planning_one_dataset_twice_gives_the_same_rows()
    {
        var (a, b) = (PlanOf(dataset.Folder), PlanOf(dataset.Folder));

        Assert.Equal(a.Members, b.Members);
        Assert.Equal(a.Movies, b.Movies);
        Assert.Equal(a.Sessions, b.Sessions);
        Assert.Equal(a.Tickets, b.Tickets);
    }

    [Fact]
    public void Tickets_get_increasing_ids_in_purchase_order_with_milliseconds()
    {
        var tickets = PlanOf(dataset.Folder).Tickets;

        Assert.Equal(Enumerable.Range(1, SyntheticDataset.Ratings).Select(i => (long)i), tickets.Select(t => t.TicketId));
        Assert.Equal(tickets.Select(t => t.PurchasedAt).Order(), tickets.Select(t => t.PurchasedAt));
        // The rating's second is kept; a chosen millisecond is added (not all zero).
        Assert.All(tickets, t => Assert.Equal(SyntheticDataset.Start.TimeOfDay, TimeSpan.FromSeconds(Math.Floor(t.PurchasedAt.TimeOfDay.TotalSeconds))));
        Assert.Contains(tickets, t => t.PurchasedAt.Millisecond != 0);
    }

    [Fact]
    public void Every_ticket_is_for_an_evening_session_of_its_movie_that_starts_after_the_purchase()
    {
        var plan = PlanOf(dataset.Folder);

        foreach (var ticket in plan.Tickets)
        {
            var session = plan.Sessions[ticket.SessionId - 1];
            Assert.Equal(ticket.MovieId, session.MovieId);
            Assert.True(session.StartsAt > ticket.PurchasedAt, $"ticket {ticket.TicketId} bought after its session started");
            Assert.InRange(session.StartsAt.TimeOfDay, TimeSpan.FromHours(17), TimeSpan.FromHours(22));
            Assert.InRange(session.CinemaId, 1, SessionSchedule.Cinemas);
        }
        // One session per movie, cinema and day.
        Assert.Equal(plan.Sessions.Count, plan.Sessions.Select(s => (s.MovieId, s.CinemaId, s.StartsAt.Date)).Distinct().Count());
        // Numbered in the order of their first ticket, so a prefix of tickets needs a prefix of sessions.
        var firstUse = plan.Tickets.GroupBy(t => t.SessionId).Select(g => g.Min(t => t.TicketId)).ToList();
        Assert.Equal(firstUse.Order(), firstUse);
    }

    [Fact]
    public void Tickets_cost_the_seat_price_of_their_format_times_one_or_two_seats()
    {
        var plan = PlanOf(dataset.Folder);

        Assert.All(plan.Tickets, t =>
        {
            Assert.InRange(t.Quantity, 1, 2);
            Assert.Equal(TicketPricing.SeatPrice(plan.Sessions[t.SessionId - 1].Format) * t.Quantity, t.Price);
        });
        Assert.Equal(9.50m, TicketPricing.SeatPrice("2d"));
        Assert.Equal(33.90m, TicketPricing.PriceOf("4dx", 2));
    }

    [Fact]
    public void Movies_keep_title_genres_and_release_date_and_get_a_fitting_certificate_and_runtime()
    {
        var movies = PlanOf(dataset.Folder).Movies.ToDictionary(m => m.MovieId);

        Assert.Equal("Made Up, The (1996)", movies[3].Title);
        Assert.Equal(new DateOnly(1996, 1, 1), movies[3].ReleaseDate);
        Assert.Equal("animation,children", movies[1].Genres);
        Assert.Contains(movies[1].Certificate, new[] { "U", "PG" });
        Assert.InRange(movies[1].RuntimeMinutes, 72, 100);
        Assert.Equal("horror", movies[2].Genres);
        Assert.Contains(movies[2].Certificate, new[] { "15", "18" });
    }

    [Fact]
    public void Members_without_ratings_are_planned_and_join_before_their_first_ticket()
    {
        var plan = PlanOf(dataset.Folder);

        Assert.Equal(Enumerable.Range(1, SyntheticDataset.Members), plan.Members.Select(m => m.MemberId));
        foreach (var member in plan.Members)
        {
            var first = plan.Tickets.FirstOrDefault(t => t.MemberId == member.MemberId)?.PurchasedAt ?? plan.Tickets[0].PurchasedAt;
            Assert.True(member.JoinedAt < first.Date.AddDays(1), $"member {member.MemberId} joined after their first ticket");
        }
    }

    public void Dispose() => dataset.Dispose();
}
