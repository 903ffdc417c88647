using Insights.Evaluation.Data;
using Purpose = Insights.DevTool.Demo.DemoChoices.Purpose;

namespace Insights.DevTool.Demo;

/// <summary>
/// Turns a dataset into the demo's rows: users become members, movies keep their genres and release
/// dates, and each rating becomes a ticket bought at the rating's time (plus a chosen millisecond) for an
/// evening session of that movie at the member's home cinema. Every choice is keyed by ids
/// (<see cref="DemoChoices"/>), so the same dataset always gives the same plan.
/// </summary>
public static class CinemaPlanner
{
    private const int MaxMembershipDaysBeforeFirstTicket = 730;

    public static CinemaPlan Build(Dataset data, DatasetDetails details, DemoChoices? choices = null)
    {
        choices ??= new DemoChoices();
        if (data.Attendances.Count == 0) throw new DatasetException($"{data.Name}: the dataset has no ratings");
        foreach (var a in data.Attendances)
            if (!data.Catalog.Contains(a.MovieId))
                throw new DatasetException($"{data.Name}: member {a.MemberId} rated movie {a.MovieId}, which is not in the movie list");

        var genres = new GenreSet(data.Catalog.GenreNames);
        var schedule = new SessionSchedule(choices);
        var (sessions, tickets) = PlanTickets(data.Attendances, schedule, choices);
        return new CinemaPlan(PlanMembers(details, tickets, choices), PlanMovies(data, details, genres, new MovieDetails(choices)),
            sessions, tickets, genres.Unmapped);
    }

    private static (List<PlannedSession>, List<PlannedTicket>) PlanTickets(IReadOnlyList<Attendance> attendances, SessionSchedule schedule, DemoChoices choices)
    {
        // Ratings carry whole seconds; a chosen millisecond makes purchased_at use DATETIME(3) and breaks most ties.
        var purchases = attendances
            .Select(a => (a.MemberId, a.MovieId, AtMs: a.AtSeconds * 1000 + choices.Below(1000, Purpose.Millisecond, a.MemberId, a.MovieId, a.AtSeconds)))
            .OrderBy(p => p.AtMs).ThenBy(p => p.MemberId).ThenBy(p => p.MovieId)
            .ToList();
        var sessionIds = new Dictionary<(int Movie, int Cinema, int Day), int>();
        var sessions = new List<PlannedSession>();
        var tickets = new List<PlannedTicket>(purchases.Count);
        foreach (var (memberId, movieId, atMs) in purchases)
        {
            var purchasedAt = DateTime.UnixEpoch.AddMilliseconds(atMs);
            var cinema = schedule.HomeCinemaOf(memberId);
            var day = SessionSchedule.DayOf(purchasedAt);
            if (!sessionIds.TryGetValue((movieId, cinema, day.DayNumber), out var sessionId))
            {
                sessionId = sessions.Count + 1;
                sessionIds[(movieId, cinema, day.DayNumber)] = sessionId;
                sessions.Add(new PlannedSession(sessionId, movieId, cinema, schedule.StartOf(movieId, cinema, day), schedule.FormatOf(movieId, cinema, day)));
            }
            var ticketId = tickets.Count + 1L;
            var quantity = choices.Unit(Purpose.Quantity, ticketId) < 0.7 ? 1 : 2;
            tickets.Add(new PlannedTicket(ticketId, memberId, movieId, sessionId, purchasedAt, quantity,
                TicketPricing.PriceOf(sessions[sessionId - 1].Format, quantity)));
        }
        return (sessions, tickets);
    }

    private static List<PlannedMember> PlanMembers(DatasetDetails details, List<PlannedTicket> tickets, DemoChoices choices)
    {
        var firstTicket = new Dictionary<int, DateTime>();
        foreach (var t in tickets) firstTicket.TryAdd(t.MemberId, t.PurchasedAt);
        var datasetStart = tickets[0].PurchasedAt;
        return [.. details.Members.Keys.Union(firstTicket.Keys).Order().Select(id =>
        {
            var first = firstTicket.TryGetValue(id, out var at) ? at : datasetStart;
            var profile = details.Members.GetValueOrDefault(id);
            // Ages are as the member gave them when joining the dataset, so birth year counts back from then.
            var joined = first.Date.AddDays(-choices.Below(MaxMembershipDaysBeforeFirstTicket, Purpose.MembershipAge, id))
                .AddSeconds(choices.Below(86_400, Purpose.MembershipAge, id, 1));
            return new PlannedMember(id, $"Member {id}", $"member{id}@example.invalid", Truncate(profile?.Zip, 10),
                profile?.Age is { } age ? first.Year - age : null, GenderOf(profile?.Gender), Truncate(profile?.Occupation, 40), joined);
        })];
    }

    private static List<PlannedMovie> PlanMovies(Dataset data, DatasetDetails details, GenreSet genres, MovieDetails movieDetails)
    {
        var epoch = DateOnly.FromDateTime(DateTime.UnixEpoch);
        return [.. data.Catalog.Ids.Order().Select(id =>
        {
            var movie = data.Catalog.Find(id)!;
            var set = genres.ValueOf(movie.Genres);
            var title = details.Titles.TryGetValue(id, out var t) && t.Trim().Length > 0 ? t.Trim() : $"Movie {id}";
            return new PlannedMovie(id, Truncate(title, 255)!, set, movie.ReleaseDay is { } day ? epoch.AddDays(day) : null,
                movieDetails.CertificateOf(id, set), movieDetails.RuntimeOf(id, set));
        })];
    }

    private static string? GenderOf(string? gender) => gender?.ToUpperInvariant() switch
    {
        null => null,
        "M" => "M",
        "F" => "F",
        _ => "X",
    };

    private static string? Truncate(string? value, int length) => value is null || value.Length <= length ? value : value[..length];
}
