namespace Insights.Sinks.Api;

/// <summary>
/// The answer of `GET /movies/{id}/audience/summary`: what targeting the best <see cref="Members"/> of a movie's
/// audience (after the filters) is expected to bring. Scores are read as probabilities of seeing the movie, so a
/// segment's expected attendance is the sum of its scores; lift is how many times random targeting of as many
/// members of the same audience it brings; share is its part of the whole audience's expected attendance.
/// </summary>
public sealed record CampaignSize(
    int MovieId, int Members, int AudienceSize, double ExpectedAttendance, double ExpectedTotal, double Share, double Lift,
    IReadOnlyDictionary<string, int> AgeBands, IReadOnlyDictionary<string, int> Genders, IReadOnlyList<CampaignPoint> Curve)
{
    public const int CurvePoints = 20;

    /// <summary>From the audience best first; <paramref name="top"/> members form the segment.</summary>
    public static CampaignSize Of(int movieId, int top, IReadOnlyList<(double Score, string? AgeBand, string? Gender)> audience)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(top, 1);
        var running = new double[audience.Count + 1];
        for (var i = 0; i < audience.Count; i++) running[i + 1] = running[i] + audience[i].Score;
        var total = running[^1];
        var mean = audience.Count == 0 ? 0 : total / audience.Count;
        var n = Math.Min(top, audience.Count);
        var segment = audience.Take(n).ToList();
        // The curve: expected attendance and lift at evenly spaced segment sizes up to the whole audience.
        var curve = Enumerable.Range(1, Math.Min(CurvePoints, audience.Count))
            .Select(i => (int)Math.Ceiling((double)audience.Count * i / Math.Min(CurvePoints, audience.Count)))
            .Distinct()
            .Select(size => new CampaignPoint(size, running[size], LiftOf(running[size], size, mean)))
            .ToList();
        return new CampaignSize(movieId, n, audience.Count, running[n], total, total == 0 ? 0 : running[n] / total, LiftOf(running[n], n, mean),
            Counts(segment.Select(m => m.AgeBand)), Counts(segment.Select(m => m.Gender)), curve);
    }

    private static double LiftOf(double expected, int size, double mean) => size == 0 || mean == 0 ? 0 : expected / (size * mean);

    private static IReadOnlyDictionary<string, int> Counts(IEnumerable<string?> values) =>
        values.GroupBy(v => v ?? "unknown").OrderBy(g => g.Key, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count());
}

/// <summary>One point of the sizing curve: the best <see cref="Members"/> members' expected attendance and lift.</summary>
public sealed record CampaignPoint(int Members, double ExpectedAttendance, double Lift);
