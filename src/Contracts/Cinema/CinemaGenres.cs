namespace Insights.Contracts.Cinema;

/// <summary>The genres of cinema.movies' SET column (schema/cinema.sql), in declaration order: bit g is genre g.</summary>
public static class CinemaGenres
{
    public static readonly IReadOnlyList<string> All =
    [
        "unknown", "action", "adventure", "animation", "children", "comedy", "crime", "documentary",
        "drama", "fantasy", "film_noir", "horror", "musical", "mystery", "romance", "sci_fi",
        "thriller", "war", "western",
    ];
}
