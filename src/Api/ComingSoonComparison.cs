using Insights.Contracts.Cinema;

namespace Insights.Api;

/// <summary>
/// The answer of `GET /movies/coming-soon`: the coming-soon titles side by side, most expected attendance first. A title's
/// expected attendance is the sum of its audience's probabilities (members who saw it excluded); its momentum is how
/// much that sum moved over the last <see cref="WindowMinutes"/> (relative to where it was), null until the API has
/// sampled it that long ago.
/// </summary>
public sealed record ComingSoonComparison(int WindowMinutes, IReadOnlyList<ComingSoonTitle> Titles)
{
    public const int DefaultWindowMinutes = 60;

    public static async Task<ComingSoonComparison> ReadAsync(IAudienceSource source, MovieDirectory movies, AudienceTrend trend,
        DateTimeOffset now, TimeSpan window, CancellationToken ct)
    {
        var titles = new List<ComingSoonTitle>();
        foreach (var movie in movies.Candidates().Where(m => m.Status == MovieRow.ComingSoon))
        {
            var total = await source.AudienceTotalAsync(movie.MovieId, ct);
            var before = trend.Before(movie.MovieId, now, window);
            titles.Add(new ComingSoonTitle(movie.MovieId, movie.Title, total.Members, total.ExpectedAttendance,
                before?.Expected, before is { Expected: > 0 } then ? (total.ExpectedAttendance - then.Expected) / then.Expected : null));
        }
        return new ComingSoonComparison((int)window.TotalMinutes,
            [.. titles.OrderByDescending(t => t.ExpectedAttendance).ThenBy(t => t.Title, StringComparer.OrdinalIgnoreCase)]);
    }
}

/// <summary>
/// One coming-soon title: its audience (members with a score who have not seen it), their expected attendance, the
/// expected attendance a window ago and the relative change since (momentum; 0.1 = up 10%).
/// </summary>
public sealed record ComingSoonTitle(int MovieId, string Title, int Audience, double ExpectedAttendance, double? ExpectedBefore, double? Momentum);
