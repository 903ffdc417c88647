namespace Insights.Api;

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
        // The curve: expected attendance at evenly spaced segment sizes up to the whole audience.
        var curve = Enumerable.Range(1, Math.Min(CurvePoints, audience.Count))
            .Select(i => (int)Math.Ceiling((double)audience.Count * i / Math.Min(CurvePoints, audience.Count)))
            .Distinct()
            .Select(size => (size, running[size]))
            .ToList();
        return Of(movieId, audience.Take(top).ToList(), audience.Count, running[^1], curve);
    }

    /// <summary>
    /// From the segment (the best members, best first) and the whole audience's size, expected total and curve points
    /// (segment size, expected attendance), where the store counts and sums the audience without handing every member over.
    /// </summary>
    public static CampaignSize Of(int movieId, IReadOnlyList<(double Score, string? AgeBand, string? Gender)> segment, int audienceSize,
        double expectedTotal, IReadOnlyList<(int Members, double ExpectedAttendance)> curve)
    {
        var mean = audienceSize == 0 ? 0 : expectedTotal / audienceSize;
        var expected = segment.Sum(m => m.Score);
        return new CampaignSize(movieId, segment.Count, audienceSize, expected, expectedTotal, expectedTotal == 0 ? 0 : expected / expectedTotal,
            LiftOf(expected, segment.Count, mean), Counts(segment.Select(m => m.AgeBand)), Counts(segment.Select(m => m.Gender)),
            [.. curve.Select(p => new CampaignPoint(p.Members, p.ExpectedAttendance, LiftOf(p.ExpectedAttendance, p.Members, mean)))]);
    }

    private static double LiftOf(double expected, int size, double mean) => size == 0 || mean == 0 ? 0 : expected / (size * mean);

    private static IReadOnlyDictionary<string, int> Counts(IEnumerable<string?> values) =>
        values.GroupBy(v => v ?? "unknown").OrderBy(g => g.Key, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count());
}

/// <summary>One point of the sizing curve: the best <see cref="Members"/> members' expected attendance and lift.</summary>
public sealed record CampaignPoint(int Members, double ExpectedAttendance, double Lift);
