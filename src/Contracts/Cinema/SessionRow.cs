using System.Text.Json;
using Insights.Contracts.Debezium;

namespace Insights.Contracts.Cinema;

/// <summary>A row of cinema.sessions: one screening of a movie at a cinema.</summary>
public sealed record SessionRow(int SessionId, int MovieId, int CinemaId, DateTime StartsAt, string Format)
{
    public static SessionRow Read(JsonElement row, DecimalHandling decimals = DecimalHandling.Precise)
    {
        var r = new RowReader(row, decimals);
        return new SessionRow(r.Int32("session_id"), r.Int32("movie_id"), r.Int32("cinema_id"), r.DateTimeMillis("starts_at"), r.String("format"));
    }
}
