using Insights.Contracts.Scores;

namespace Insights.Bench.Sinks;

/// <summary>Synthetic score updates shaped like the live ones: every member scored on every candidate movie.</summary>
public static class ScoreWorld
{
    private static readonly string[] Genders = ["F", "M"];

    public static List<ScoreUpdate> Updates(int members, int movies, long version, int seed = 6)
    {
        var random = new Random(seed + (int)version);
        return Enumerable.Range(1, members).Select(m => new ScoreUpdate
        {
            MemberId = m,
            Version = version,
            ModelVersion = "bench",
            Source = new SourcePosition { Gtid = $"0-1-{version}", TsMs = 1_700_000_000_000 + version },
            ComputedAtMs = 1_700_000_000_000 + version,
            Scores = Enumerable.Range(1, movies)
                .Select(movie => new MovieScore(movie, Math.Round(random.NextDouble() * random.NextDouble(), 6), random.Next(20) == 0))
                .OrderByDescending(s => s.Score).ToList(),
            Demographics = new MemberDemographics { AgeBand = AgeBands.All[m % AgeBands.All.Count], Gender = Genders[m % 2] },
        }).ToList();
    }
}
