using Insights.Evaluation.Data;

namespace Insights.Evaluation.Protocols;

/// <summary>
/// The LLO test events where a recommender has least to go on: the movie had fewer than 10 (or 50) attendances before
/// the event, counted in the training data up to the event's time; and "coming soon" ones, whose movie was first
/// attended in the data's last 30 days, as a cinema's newly released films are.
/// </summary>
public static class ColdStartSubsets
{
    public static readonly int[] EarlierAttendanceLimits = [10, 50];
    public const int ComingSoonDays = 30;

    /// <param name="members">The members in the order their test events were ranked.</param>
    public static IReadOnlyList<TestSubset> Of(LeaveLastOutSplit split, IReadOnlyList<int> members)
    {
        // Training is in time order, so each movie's times come out ascending.
        var trainTimes = split.Train.GroupBy(a => a.MovieId).ToDictionary(g => g.Key, g => g.Select(a => a.AtSeconds).ToArray());
        var everything = split.Train.Concat(split.HeldOut.Values).ToList();
        var firstAttended = everything.GroupBy(a => a.MovieId).ToDictionary(g => g.Key, g => g.Min(a => a.AtSeconds));
        var comingSoonFrom = (everything.Count == 0 ? 0 : everything.Max(a => a.AtSeconds)) - ComingSoonDays * 86_400L;

        var earlier = members.Select(m => split.HeldOut[m]).Select(test =>
            trainTimes.TryGetValue(test.MovieId, out var times) ? CountBefore(times, test.AtSeconds) : 0).ToArray();
        var subsets = EarlierAttendanceLimits.Select(limit => new TestSubset($"movie with fewer than {limit} earlier attendances",
            [.. Enumerable.Range(0, members.Count).Where(c => earlier[c] < limit)])).ToList();
        subsets.Add(new TestSubset($"coming soon: movie first attended in the last {ComingSoonDays} days",
            [.. Enumerable.Range(0, members.Count).Where(c => firstAttended[split.HeldOut[members[c]].MovieId] >= comingSoonFrom)]));
        return subsets;
    }

    /// <summary>How many of the ascending times are strictly before a time.</summary>
    private static int CountBefore(long[] ascending, long time)
    {
        int low = 0, high = ascending.Length;
        while (low < high)
        {
            var middle = (low + high) / 2;
            if (ascending[middle] < time) low = middle + 1;
            else high = middle;
        }
        return low;
    }
}
