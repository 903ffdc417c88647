using System.Text.Json;
using Insights.Contracts.Debezium;

namespace Insights.Contracts.Cinema;

/// <summary>A row of cinema.movies; Status is coming_soon, now_showing or archived.</summary>
public sealed record MovieRow(
    int MovieId,
    string Title,
    IReadOnlyList<string> Genres,
    DateOnly? ReleaseDate,
    string? Certificate,
    int? RuntimeMinutes,
    string Status,
    DateTimeOffset UpdatedAt)
{
    public const string ComingSoon = "coming_soon";
    public const string NowShowing = "now_showing";
    public const string Archived = "archived";

    public static MovieRow Read(JsonElement row, DecimalHandling decimals = DecimalHandling.Precise)
    {
        var r = new RowReader(row, decimals);
        return new MovieRow(r.Int32("movie_id"), r.String("title"), r.Set("genres"), r.NullableDate("release_date"),
            r.NullableString("certificate"), r.NullableInt32("runtime_minutes"), r.String("status"), r.Timestamp("updated_at"));
    }
}
