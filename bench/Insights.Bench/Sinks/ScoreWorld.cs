using Insights.Contracts.Scores;
using Insights.TestSupport;

namespace Insights.Bench.Sinks;

/// <summary>
/// Score updates shaped like the live ones, built as the tests build theirs (<see cref="ScoreUpdates"/>): every member
/// scored on every candidate movie, with demographics, one movie in twenty seen.
/// </summary>
public static class ScoreWorld
{
    private static readonly string[] Genders = ["F", "M"];

    public static List<ScoreUpdate> Updates(int members, int movies, long version) =>
        Enumerable.Range(1, members).Select(m => ScoreUpdates.For(m, version, movies, AgeBands.All[m % AgeBands.All.Count], Genders[m % 2],
            [.. Enumerable.Range(1, movies).Where(movie => (m + movie) % 20 == 0)])).ToList();
}
