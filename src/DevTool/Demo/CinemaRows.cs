namespace Insights.DevTool.Demo;

/// <summary>How planned rows map onto the columns of schema/cinema.sql (updated_at is left to its default).</summary>
public static class CinemaRows
{
    public static readonly MultiRowInsert<PlannedMember> Members = new("members",
        ["member_id", "name", "email", "postcode", "birth_year", "gender", "occupation", "joined_at"],
        m => [m.MemberId, m.Name, m.Email, m.Postcode, m.BirthYear, m.Gender, m.Occupation, m.JoinedAt]);

    /// <summary>Movies with the status they have at the cut.</summary>
    public static MultiRowInsert<PlannedMovie> Movies(CatalogCut cut) => new("movies",
        ["movie_id", "title", "genres", "release_date", "certificate", "runtime_minutes", "status"],
        m => [m.MovieId, m.Title, m.Genres, m.ReleaseDate, m.Certificate, m.RuntimeMinutes, cut.StatusOf(m.MovieId)]);

    public static readonly MultiRowInsert<PlannedSession> Sessions = new("sessions",
        ["session_id", "movie_id", "cinema_id", "starts_at", "format"],
        s => [s.SessionId, s.MovieId, s.CinemaId, s.StartsAt, s.Format]);

    public static readonly MultiRowInsert<PlannedTicket> Tickets = new("tickets",
        ["ticket_id", "member_id", "session_id", "purchased_at", "quantity", "price", "status"],
        t => [t.TicketId, t.MemberId, t.SessionId, t.PurchasedAt, t.Quantity, t.Price, "purchased"]);
}
