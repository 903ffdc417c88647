using Insights.Contracts.Cinema;

namespace Insights.Host.Demo;

/// <summary>
/// Where seed stops and replay takes over: the earliest (1 - live fraction) of tickets are seeded, and
/// each movie's status is what a cinema would show at that moment: now_showing if it sold a ticket in the
/// 30 days before the cut, coming_soon if its first ticket comes after the cut, archived otherwise.
/// </summary>
public sealed class CatalogCut
{
    public static readonly TimeSpan ShowingWindow = TimeSpan.FromDays(30);

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

    public static CatalogCut Of(CinemaPlan plan, double liveFraction)
    {
        if (double.IsNaN(liveFraction) || liveFraction is < 0 or > 1)
            throw new ArgumentOutOfRangeException(nameof(liveFraction), liveFraction, "the live fraction must be between 0 and 1");
        var tickets = plan.Tickets;
        var live = (int)Math.Round(tickets.Count * liveFraction, MidpointRounding.AwayFromZero);
        var seeded = tickets.Count - live;
        var at = seeded < tickets.Count ? tickets[seeded].PurchasedAt : tickets[^1].PurchasedAt.AddMilliseconds(1);
        var cut = new CatalogCut(seeded, seeded == 0 ? 0 : tickets.Take(seeded).Max(t => t.SessionId), at);

        var lastBefore = new Dictionary<int, DateTime>();
        foreach (var t in tickets.Take(seeded)) lastBefore[t.MovieId] = t.PurchasedAt;
        var soldAfter = tickets.Skip(seeded).Select(t => t.MovieId).ToHashSet();
        foreach (var movie in plan.Movies)
            cut.statuses[movie.MovieId] =
                lastBefore.TryGetValue(movie.MovieId, out var last) ? (last >= at - ShowingWindow ? MovieRow.NowShowing : MovieRow.Archived)
                : soldAfter.Contains(movie.MovieId) ? MovieRow.ComingSoon
                : MovieRow.Archived;
        return cut;
    }
}
