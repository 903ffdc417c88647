using Insights.Contracts.Scores;

namespace Insights.TestSupport;

/// <summary>Builds score updates for tests: deterministic scores derived from (member, version, movie).</summary>
public static class ScoreUpdates
{
    public static ScoreUpdate For(long member, long version, int movies = 3, string? ageBand = null, string? gender = null, params int[] seen) => new()
    {
        MemberId = member,
        Version = version,
        ModelVersion = "test-model-1",
        Source = new SourcePosition { Gtid = $"0-1-{version}", TsMs = 1_700_000_000_000 + version },
        ComputedAtMs = 1_700_000_000_500 + version,
        Scores = Enumerable.Range(1, movies)
            .Select(movie => new MovieScore(movie, ScoreOf(member, version, movie), seen.Contains(movie)))
            .OrderByDescending(s => s.Score).ToList(),
        Demographics = ageBand is null && gender is null ? null : new MemberDemographics { AgeBand = ageBand, Gender = gender },
    };

    /// <summary>A score in (0, 1) that differs for every (member, version, movie), so a stale write is visible.</summary>
    public static double ScoreOf(long member, long version, int movie)
    {
        var hash = (ulong)(member * 1_000_003 + version * 7_919 + movie * 104_729);
        hash ^= hash >> 33; hash *= 0xff51afd7ed558ccdUL; hash ^= hash >> 33;
        return 0.001 + (hash % 997_000) / 1_000_000.0;
    }
}
