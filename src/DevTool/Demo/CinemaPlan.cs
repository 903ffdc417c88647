namespace Insights.DevTool.Demo;

/// <summary>
/// Every row the demo database gets from a dataset, decided up front and deterministically: seed inserts
/// the rows up to the cut, replay the rest. Tickets are in purchase order with ids 1..n; sessions are
/// numbered in the order of their first ticket, so the sessions a prefix of tickets needs are a prefix too.
/// </summary>
public sealed record CinemaPlan(
    IReadOnlyList<PlannedMember> Members,
    IReadOnlyList<PlannedMovie> Movies,
    IReadOnlyList<PlannedSession> Sessions,
    IReadOnlyList<PlannedTicket> Tickets,
    IReadOnlyList<string> UnmappedGenres);

public sealed record PlannedMember(int MemberId, string Name, string Email, string? Postcode, int? BirthYear, string? Gender, string? Occupation, DateTime JoinedAt);

/// <summary>A movie without its status: that depends on where the cut falls (<see cref="CatalogCut"/>).</summary>
public sealed record PlannedMovie(int MovieId, string Title, string Genres, DateOnly? ReleaseDate, string Certificate, int RuntimeMinutes);

public sealed record PlannedSession(int SessionId, int MovieId, int CinemaId, DateTime StartsAt, string Format);

public sealed record PlannedTicket(long TicketId, int MemberId, int MovieId, int SessionId, DateTime PurchasedAt, int Quantity, decimal Price);
