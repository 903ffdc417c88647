using System.Diagnostics;
using Insights.Evaluation.Data;
using Insights.Evaluation.Metrics;
using Insights.Evaluation.Training;
using Insights.Propensity.Scoring;

namespace Insights.Evaluation.Protocols;

/// <summary>
/// The prequential protocol: walk events in time order; before learning from an event of a
/// member with at least <see cref="MinimumEarlierEvents"/> earlier events, rank its movie among the movies
/// active in the previous <see cref="ActiveWindowDays"/> days that the member has not seen (the event's
/// movie is always a candidate); then learn. Every score is a prediction made before the outcome.
/// Methods that are incremental by nature run here: the model, most-popular (counts so far) and
/// recent-popularity (counts in the active window). Item-kNN and EASE are batch methods and run under LLO.
/// </summary>
public static class PrequentialEvaluation
{
    public const int MinimumEarlierEvents = 5;
    public const int ActiveWindowDays = 30;

    // Neighbour lists are rebuilt once a movie's row has changed by a quarter; exact rebuilds at every
    // event would dominate the run while changing scores very little.
    public const double NeighbourStaleness = 0.25;

    public static EvaluationResult Run(Dataset dataset, PropensityModel? model, IProgress<EvaluationProgress>? progress = null)
    {
        var clock = Stopwatch.StartNew();
        TimeSpan? trainingTime = null;
        if (model is null)
        {
            model = ModelTrainer.Train(dataset, progress);
            trainingTime = clock.Elapsed;
        }
        var events = InTimeOrder(dataset.Attendances);
        var replay = new StreamingReplay(dataset, model.Settings, NeighbourStaleness);
        var scorer = new PropensityScorer(model, dataset.Catalog);

        var idLimit = Math.Max(dataset.Catalog.IdLimit, events.Count == 0 ? 0 : events.Max(e => e.MovieId) + 1);
        var totalCounts = new float[idLimit];
        var windowCounts = new float[idLimit];
        var active = new List<int>();
        var activePosition = new int[idLimit];
        Array.Fill(activePosition, -1);
        var windowStart = 0;
        var windowSeconds = ActiveWindowDays * 86400L;

        var modelCalibration = CandidateCalibration.Create();
        var modelRanks = new List<int>();
        var popularRanks = new List<int>();
        var recentRanks = new List<int>();
        var members = new HashSet<int>();
        var candidates = new List<int>();
        var scores = new List<float>();

        for (var e = 0; e < events.Count; e++)
        {
            var now = events[e];
            while (windowStart < e && events[windowStart].AtSeconds <= now.AtSeconds - windowSeconds)
            {
                var old = events[windowStart++].MovieId;
                if (--windowCounts[old] == 0) RemoveActive(active, activePosition, old);
            }
            var member = replay.MemberOf(now.MemberId);
            if (member.Count >= MinimumEarlierEvents)
            {
                members.Add(now.MemberId);
                candidates.Clear();
                var targetIndex = 0;
                candidates.Add(now.MovieId);
                foreach (var movie in active)
                    if (movie != now.MovieId && !member.HasSeen(movie)) candidates.Add(movie);
                var span = System.Runtime.InteropServices.CollectionsMarshal.AsSpan(candidates);
                System.Runtime.InteropServices.CollectionsMarshal.SetCount(scores, span.Length);
                var scoreSpan = System.Runtime.InteropServices.CollectionsMarshal.AsSpan(scores);

                scorer.LogOdds(member, span, replay.Collective, now.AtSeconds, scoreSpan);
                modelRanks.Add(Ranking.PessimisticRank(scoreSpan, targetIndex));
                for (var c = 0; c < span.Length; c++) modelCalibration.Add(PropensityScorer.Sigmoid(scoreSpan[c]), c == targetIndex);
                for (var c = 0; c < span.Length; c++) scoreSpan[c] = totalCounts[span[c]];
                popularRanks.Add(Ranking.PessimisticRank(scoreSpan, targetIndex));
                for (var c = 0; c < span.Length; c++) scoreSpan[c] = windowCounts[span[c]];
                recentRanks.Add(Ranking.PessimisticRank(scoreSpan, targetIndex));
            }
            replay.Apply(now);
            totalCounts[now.MovieId]++;
            if (windowCounts[now.MovieId]++ == 0) AddActive(active, activePosition, now.MovieId);
            if ((e & 1023) == 0) progress?.Report(new("prequential", (double)e / events.Count));
        }
        progress?.Report(new("prequential", 1));
        return new EvaluationResult(dataset.Name, "prequential",
        [
            new MethodResult("most-popular", members.Count, popularRanks, null),
            new MethodResult("recent-popularity", members.Count, recentRanks, null),
            new MethodResult("propensity-model", members.Count, modelRanks, null, modelCalibration),
        ], clock.Elapsed, model.ModelVersion)
        { ModelTraining = trainingTime };
    }

    /// <summary>Global time order: timestamp, then member, then the member's own (timestamp, movie) order.</summary>
    public static List<Attendance> InTimeOrder(IReadOnlyList<Attendance> attendances)
    {
        var list = attendances.ToList();
        list.Sort(static (x, y) =>
            x.AtSeconds != y.AtSeconds ? x.AtSeconds.CompareTo(y.AtSeconds)
            : x.MemberId != y.MemberId ? x.MemberId.CompareTo(y.MemberId)
            : x.MovieId.CompareTo(y.MovieId));
        return list;
    }

    private static void AddActive(List<int> active, int[] position, int movie)
    {
        position[movie] = active.Count;
        active.Add(movie);
    }

    private static void RemoveActive(List<int> active, int[] position, int movie)
    {
        var index = position[movie];
        var last = active[^1];
        active[index] = last;
        position[last] = index;
        active.RemoveAt(active.Count - 1);
        position[movie] = -1;
    }
}
