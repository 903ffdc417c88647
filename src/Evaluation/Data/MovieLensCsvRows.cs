using CsvHelper;

namespace Insights.Evaluation.Data;

/// <summary>A row of movies.csv (movieId,title,genres).</summary>
[CsvRecord]
internal sealed partial class MovieRow
{
    public int MovieId { get; set; }
    public string Title { get; set; } = "";
    public string Genres { get; set; } = "";
}

/// <summary>A row of ratings.csv (userId,movieId,rating,timestamp).</summary>
[CsvRecord]
internal sealed partial class RatingRow
{
    public int UserId { get; set; }
    public int MovieId { get; set; }
    public double Rating { get; set; }
    public long Timestamp { get; set; }
}
