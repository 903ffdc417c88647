using Insights.Contracts.Cinema;

namespace Insights.DevTool.Demo;

/// <summary>
/// Where seed stops and replay takes over: the earliest (1 - live fraction) of tickets are seeded, and
/// each movie gets the status a cinema would give it at that moment. A cinema shows a dozen or two films,
/// not every title that sold a ticket lately, so the catalog is bounded (<see cref="CatalogSize"/>):
/// now_showing are the movies that sold the most tickets in the <see cref="ShowingWindow"/> before the cut,
/// coming_soon the next movies to sell their first ticket after it, everything else archived. The bound
/// matters downstream: every score update carries one score per candidate movie.
/// </summary>
public sealed class CatalogCut
{
    /// <summary>How far back "selling now" looks: two weeks, a typical first run's busiest stretch.</summary>
    public static readonly TimeSpan ShowingWindow = TimeSpan.FromDays(14);

    private readonly Dictionary<int, string> statuses = [];

    private CatalogCut(int seededTickets, int seededSessions, DateTime at)
    {
        SeededTickets = seededTickets;
        SeededSessions = seededSessions;
        At = at;
    }

    /// <summary>Tickets 1..SeededTickets are seeded.</summary>
    public int SeededTickets { get; }

    /// <summary>Sessions 1..SeededSessions are seeded: exactly those the seeded tickets use.</summary>
    public int SeededSessions { get; }

    /// <summary>The purchase time of the first ticket left for replay (just after the last ticket when none is left).</summary>
    public DateTime At { get; }

    public string StatusOf(int movieId) => statuses[movieId];

    public static CatalogCut Of(CinemaPlan plan, double liveFraction) => Of(plan, liveFraction, CatalogSize.Cinema);

    public static CatalogCut Of(CinemaPlan plan, double liveFraction, CatalogSize size)
    {
        if (double.IsNaN(liveFraction) || liveFraction is < 0 or > 1)
            throw new ArgumentOutOfRangeException(nameof(liveFraction), liveFraction, "the live fraction must be between 0 and 1");
        ArgumentOutOfRangeException.ThrowIfNegative(size.NowShowing);
        ArgumentOutOfRangeException.ThrowIfNegative(size.ComingSoon);
        var tickets = plan.Tickets;
        var live = (int)Math.Round(tickets.Count * liveFraction, MidpointRounding.AwayFromZero);
        var seeded = tickets.Count - live;
        var at = seeded < tickets.Count ? tickets[seeded].PurchasedAt : tickets[^1].PurchasedAt.AddMilliseconds(1);
        var cut = new CatalogCut(seeded, seeded == 0 ? 0 : tickets.Take(seeded).Max(t => t.SessionId), at);

        // Most tickets in the window first; among equals the one that sold most recently, then the lower id.
        var showing = tickets.Take(seeded).Where(t => t.PurchasedAt >= at - ShowingWindow)
            .GroupBy(t => t.MovieId)
            .OrderByDescending(g => g.Count()).ThenByDescending(g => g.Max(t => t.TicketId)).ThenBy(g => g.Key)
            .Take(size.NowShowing).Select(g => g.Key).ToHashSet();
        var soldBefore = tickets.Take(seeded).Select(t => t.MovieId).ToHashSet();
        // Tickets are in purchase order, so the first appearance after the cut is the release order.
        var comingSoon = tickets.Skip(seeded).Select(t => t.MovieId).Where(id => !soldBefore.Contains(id))
            .Distinct().Take(size.ComingSoon).ToHashSet();
        foreach (var movie in plan.Movies)
            cut.statuses[movie.MovieId] =
                showing.Contains(movie.MovieId) ? MovieRow.NowShowing
                : comingSoon.Contains(movie.MovieId) ? MovieRow.ComingSoon
                : MovieRow.Archived;
        return cut;
    }
}

/// <summary>How many movies a cinema lists: <see cref="NowShowing"/> films on screen, <see cref="ComingSoon"/> announced.</summary>
public sealed record CatalogSize(int NowShowing, int ComingSoon)
{
    /// <summary>A multiplex's listing: twenty films on screen and ten announced (30 candidates per score update).</summary>
    public static readonly CatalogSize Cinema = new(20, 10);
}
