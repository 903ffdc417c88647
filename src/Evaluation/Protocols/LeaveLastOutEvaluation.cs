using System.Diagnostics;
using Insights.Evaluation.Baselines;
using Insights.Evaluation.Data;
using Insights.Evaluation.Metrics;
using Insights.Evaluation.Training;
using Insights.Propensity.Scoring;

namespace Insights.Evaluation.Protocols;

/// <summary>
/// The leave-last-out (LLO) protocol: each member's last interaction is the test item; training interactions
/// are replayed in global time order through the streaming model; every method ranks the full candidate
/// set in the same process, on the same split. Audience lift@10 is computed over movies with at least
/// <see cref="LiftMinimumTestMembers"/> test members; HR@10 and NDCG@10 are also reported on the cold-start events
/// (<see cref="ColdStartSubsets"/>).
/// </summary>
public static class LeaveLastOutEvaluation
{
    public const int LiftMinimumTestMembers = 5;

    /// <param name="model">A trained model, or null to train one on the validation split first.</param>
    public static EvaluationResult Run(Dataset dataset, PropensityModel? model, IProgress<EvaluationProgress>? progress = null)
    {
        var clock = Stopwatch.StartNew();
        TimeSpan? trainingTime = null;
        if (model is null)
        {
            model = ModelTrainer.Train(dataset, progress);
            trainingTime = clock.Elapsed;
        }
        var split = LeaveLastOutSplit.Of(dataset.Attendances);
        var fitClock = Stopwatch.StartNew();
        var replay = new StreamingReplay(dataset, model.Settings);
        replay.ApplyAll(split.Train, f => progress?.Report(new("llo: replay", f)));
        replay.Collective.RefreshAll();
        var replayTime = fitClock.Elapsed;

        var index = new ItemIndex(split.TrainMovies);
        var methods = new List<IRankingMethod>();
        var fitTimes = new List<TimeSpan>();
        // A bar per method: EASE's inverse is one long library call, and its bar's clock shows it running.
        T Fit<T>(string name, Func<T> build) where T : IRankingMethod
        {
            progress?.Report(new($"llo: fit {name}", 0));
            fitClock.Restart();
            var method = build();
            fitTimes.Add(fitClock.Elapsed);
            methods.Add(method);
            progress?.Report(new($"llo: fit {name}", 1));
            return method;
        }
        Fit("most-popular", () => new MostPopular(split.Histories));
        Fit("item-knn", () => new ItemKnn(split.Histories, index));
        // The recency-weighted reference (HR@10 0.1103 on ml-100k) sums over every member movie, not just 100 neighbours.
        Fit("item-knn-recency", () => new ItemKnn(split.Histories, index, neighbourCount: null, recencyDecay: 5));
        var ease = Fit("ease", () => new Ease(split.Histories, index));
        methods.Add(new StreamingModelMethod(replay, model));
        fitTimes.Add(replayTime);

        var members = split.HeldOut.Keys.Order().ToArray();
        var liftMovies = split.HeldOut.Values.GroupBy(a => a.MovieId).Where(g => g.Count() >= LiftMinimumTestMembers)
            .Select(g => g.Key).ToHashSet();
        var ranks = methods.Select(_ => new List<int>(members.Length)).ToArray();
        var liftScores = methods.Select(_ => liftMovies.ToDictionary(m => m, _ => new List<(float, bool)>())).ToArray();
        // Calibration over exactly the candidates each member is ranked on, for methods whose scores are probabilities.
        var calibrations = methods.Select(method => method is IProbabilityMethod ? CandidateCalibration.Create() : null).ToArray();
        var candidates = new LloCandidates(split);
        var rankTicks = new long[methods.Count];
        for (var m = 0; m < members.Length; m++)
        {
            var memberId = members[m];
            var target = split.HeldOut[memberId].MovieId;
            var (list, targetIndex) = candidates.For(memberId, target);
            var scores = new float[list.Length];
            for (var k = 0; k < methods.Count; k++)
            {
                var started = Stopwatch.GetTimestamp();
                methods[k].Score(memberId, list, scores);
                ranks[k].Add(Ranking.PessimisticRank(scores, targetIndex));
                rankTicks[k] += Stopwatch.GetTimestamp() - started;
                if (methods[k] is IProbabilityMethod probabilities)
                    for (var c = 0; c < list.Length; c++) calibrations[k]!.Add(probabilities.Probability(scores[c]), c == targetIndex);
                for (var c = 0; c < list.Length; c++)
                {
                    if (!liftMovies.Contains(list[c])) continue;
                    // The test movie is always a candidate; other movies only when unseen in training.
                    if (c == targetIndex && candidates.Seen(memberId, target)) continue;
                    liftScores[k][list[c]].Add((scores[c], c == targetIndex));
                }
            }
            if ((m & 31) == 0) progress?.Report(new("llo: ranking", (double)m / members.Length));
        }
        progress?.Report(new("llo: ranking", 1));

        var results = new List<MethodResult>();
        for (var k = 0; k < methods.Count; k++)
        {
            var random = new Random(2024);
            double? lift = liftMovies.Count == 0 ? null
                : liftMovies.Order().Average(movie => AudienceLift.ForMovie(liftScores[k][movie], random));
            results.Add(new MethodResult(methods[k].Name, members.Length, ranks[k], lift, calibrations[k],
                new MethodTiming(fitTimes[k], Stopwatch.GetElapsedTime(0, rankTicks[k]))));
        }
        return new EvaluationResult(dataset.Name, "llo", results, clock.Elapsed, model.ModelVersion)
        {
            ModelTraining = trainingTime,
            EaseInverse = ease.Inverse,
            Subsets = ColdStartSubsets.Of(split, members),
        };
    }
}
