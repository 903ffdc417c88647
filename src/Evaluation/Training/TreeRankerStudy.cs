using Insights.Evaluation.Data;
using Insights.Evaluation.Metrics;
using Insights.Evaluation.Protocols;
using Insights.Propensity.Scoring;
using Insights.Propensity.Training;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers.FastTree;

namespace Insights.Evaluation.Training;

/// <summary>
/// Research (docs/model.md, "Toward the self-attentive sequential recommenders"): does a gradient-boosted tree
/// ranker over the model's ten features, trained on several held-out depths per member, rank better than the
/// logistic model? Training groups come from <see cref="DepthSamples"/> over the validation split's training
/// events; every setting is judged on the validation events (each member's second-to-last, full ranking); the
/// test events are scored only when asked, for the setting chosen on validation and for the given model.
/// </summary>
public static class TreeRankerStudy
{
    public const int NegativesPerGroup = 100;
    private static readonly int[] Depths = [3, 6, 15];
    private static readonly int[] HardNegatives = [0, 50];
    private static readonly (int Trees, int Leaves, double Rate)[] TreeGrid = [(100, 16, 0.1), (300, 16, 0.05)];

    private sealed record Trial(string Name, double Hr, double Ndcg)
    {
        public (double Hr, double Ndcg) Figures => (Hr, Ndcg);
    }

    /// <summary>Writes one line per setting tried (and, with <paramref name="withTest"/>, the test figures) to <paramref name="log"/>.</summary>
    public static void Run(Dataset dataset, PropensityModel baseline, bool withTest, Action<string> log)
    {
        var settings = baseline.Settings;
        var test = LeaveLastOutSplit.Of(dataset.Attendances);
        var validation = LeaveLastOutSplit.Of(test.Train);
        var coverage = SecondOrderCoverage(validation);
        log($"validation events: the member's last two movies are followed (in some training history) by a movie the member has not seen "
            + $"{coverage.PairFollowed:F3}, by the validation movie {coverage.TargetFollowsPair:F3}; the last movie alone by the validation movie {coverage.TargetFollowsLast:F3}");
        var extractor = new FeatureExtractor(settings, dataset.Catalog);
        var given = Linear(baseline);
        var replay = new StreamingReplay(dataset, settings);
        replay.ApplyAll(validation.Train);
        replay.Collective.RefreshAll();
        var validationGroups = DepthSamples.FullRanking(replay, validation, extractor);
        var samples = new List<(string Name, List<SampleGroup> Groups)>();
        foreach (var hard in HardNegatives)
        {
            var negatives = hard == 0 ? "uniform negatives" : $"{hard} hardest by the given model + uniform";
            samples.Add(($"left out, {negatives}", DepthSamples.LeaveOut(replay, validation, extractor, Depths.Max(), NegativesPerGroup, seed: 17, hard, given)));
            // Collecting in time order replays the validation split's training events itself.
            var timeOrdered = new StreamingReplay(dataset, settings);
            samples.Add(($"time-ordered, {negatives}", DepthSamples.Collect(timeOrdered, validation, extractor, Depths.Max(), NegativesPerGroup, seed: 17, hard, given)));
        }
        foreach (var (name, groups) in samples) log($"{groups.Count} training groups (depths 1-{Depths.Max()}, {name}), {validationGroups.Count} validation members");

        var candidates = new List<(Trial Trial, Func<float[], float> Score)>();
        void Judge(string name, Func<float[], float> score)
        {
            var (hr, ndcg) = Figures(validationGroups, score);
            var trial = new Trial(name, hr, ndcg);
            candidates.Add((trial, score));
            log($"validation {name}: HR@10 {hr:F4} NDCG@10 {ndcg:F4}");
        }

        Judge("given model (logistic, fitted on the validation events themselves)", given);
        foreach (var (sampleName, groups) in samples)
            foreach (var depth in Depths)
            {
                var subset = groups.Where(g => g.Depth <= depth).ToList();
                Judge($"logistic, depths 1-{depth}, {sampleName}", Linear(FitLogistic(subset, 1e-4, settings)));
                foreach (var (trees, leaves, rate) in TreeGrid)
                    Judge($"FastTree LambdaRank, depths 1-{depth}, {sampleName}, {trees} trees x {leaves} leaves, rate {rate}",
                        TreeEnsemble.Fit(subset, trees, leaves, rate).Score);
            }
        // The choice is among the new settings; the given model (index 0) is the reference.
        var chosenIndex = 1;
        for (var i = 2; i < candidates.Count; i++)
            if (Ranking.RanksBetter(candidates[i].Trial.Figures, candidates[chosenIndex].Trial.Figures)) chosenIndex = i;
        log($"chosen on validation: {candidates[chosenIndex].Trial.Name}");
        if (!withTest) return;

        var testReplay = new StreamingReplay(dataset, settings);
        testReplay.ApplyAll(test.Train);
        testReplay.Collective.RefreshAll();
        var testGroups = DepthSamples.FullRanking(testReplay, test, extractor);
        var (baseHr, baseNdcg) = Figures(testGroups, candidates[0].Score);
        var (hr, ndcg) = Figures(testGroups, candidates[chosenIndex].Score);
        log($"test given model: HR@10 {baseHr:F4} NDCG@10 {baseNdcg:F4}; chosen: HR@10 {hr:F4} NDCG@10 {ndcg:F4}");
        log($"scoring 50 candidates from their features: given model {ScoringMicroseconds(testGroups, candidates[0].Score):F2} us, "
            + $"chosen {ScoringMicroseconds(testGroups, candidates[chosenIndex].Score):F2} us");
    }

    /// <summary>
    /// What second-order transitions could tell about the held-out events, as shares of members with two or more
    /// training events: how often the member's last two movies (a, b) occur back to back in some training history and
    /// are followed there by a movie the member has not seen; how often that follower is the held-out movie; and how
    /// often the held-out movie directly follows b somewhere (the first-order transition).
    /// </summary>
    internal static (double PairFollowed, double TargetFollowsPair, double TargetFollowsLast) SecondOrderCoverage(LeaveLastOutSplit split)
    {
        var afterPair = new Dictionary<(int, int), HashSet<int>>();
        var afterMovie = new Dictionary<int, HashSet<int>>();
        foreach (var history in split.Histories.Values)
            for (var j = 1; j < history.Length; j++)
            {
                if (!afterMovie.TryGetValue(history[j - 1], out var next)) afterMovie[history[j - 1]] = next = [];
                next.Add(history[j]);
                if (j < 2) continue;
                if (!afterPair.TryGetValue((history[j - 2], history[j - 1]), out var nextToPair)) afterPair[(history[j - 2], history[j - 1])] = nextToPair = [];
                nextToPair.Add(history[j]);
            }
        int members = 0, pairFollowed = 0, followsPair = 0, followsLast = 0;
        foreach (var (member, history) in split.Histories)
        {
            if (history.Length < 2) continue;
            members++;
            var target = split.HeldOut[member].MovieId;
            if (afterPair.TryGetValue((history[^2], history[^1]), out var next) && next.Any(m => !history.Contains(m))) pairFollowed++;
            if (next?.Contains(target) == true) followsPair++;
            if (afterMovie.TryGetValue(history[^1], out var nextToLast) && nextToLast.Contains(target)) followsLast++;
        }
        return members == 0 ? (0, 0, 0) : ((double)pairFollowed / members, (double)followsPair / members, (double)followsLast / members);
    }

    internal static (double Hr, double Ndcg) Figures(IReadOnlyList<SampleGroup> groups, Func<float[], float> score)
    {
        var width = FeatureNames.Count;
        var ranks = new List<int>(groups.Count);
        var row = new float[width];
        foreach (var group in groups)
        {
            var scores = new float[group.Count];
            for (var c = 0; c < group.Count; c++)
            {
                group.Features.AsSpan(c * width, width).CopyTo(row);
                scores[c] = score(row);
            }
            ranks.Add(Ranking.PessimisticRank(scores, group.Target));
        }
        return (Ranking.HitRate(ranks, 10), Ranking.Ndcg(ranks, 10));
    }

    // Mean time to score 50 candidates whose features are already extracted (the extraction costs the same for both).
    private static double ScoringMicroseconds(IReadOnlyList<SampleGroup> groups, Func<float[], float> score)
    {
        var width = FeatureNames.Count;
        var row = new float[width];
        var sink = 0f;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var rows = 0;
        for (var repeat = 0; repeat < 3; repeat++)
            foreach (var group in groups)
                for (var c = 0; c < group.Count; c++, rows++)
                {
                    group.Features.AsSpan(c * width, width).CopyTo(row);
                    sink += score(row);
                }
        GC.KeepAlive(sink);
        return clock.Elapsed.TotalMicroseconds / rows * 50;
    }

    private static Func<float[], float> Linear(PropensityModel model)
    {
        var width = FeatureNames.Count;
        var coefficients = new float[width];
        var bias = model.Intercept;
        for (var k = 0; k < width; k++)
        {
            coefficients[k] = model.Weights[k] / model.Scales[k];
            bias -= coefficients[k] * model.Means[k];
        }
        return row =>
        {
            var z = bias;
            for (var k = 0; k < width; k++) z += coefficients[k] * row[k];
            return z;
        };
    }

    // The trainer's weighting: negatives stand for every candidate they were sampled from (only roughly so when half are hard).
    private static PropensityModel FitLogistic(IReadOnlyList<SampleGroup> groups, double l2, Propensity.ModelSettings settings)
    {
        var width = FeatureNames.Count;
        var examples = new TrainingSet(width);
        foreach (var group in groups)
            for (var c = 0; c < group.Count; c++)
                examples.Add(group.Features.AsSpan(c * width, width), c == group.Target,
                    c == group.Target ? 1 : (float)(group.PoolSize - 1) / (group.Count - 1));
        return ModelTrainer.Unversioned(LogisticRegression.Fit(examples, l2), settings);
    }
}

/// <summary>
/// A tree ensemble fitted by ML.NET's FastTree on sample groups and read back into plain arrays, so scoring a
/// row is a walk down each tree (x &lt;= threshold goes left) with no ML.NET call.
/// </summary>
public sealed class TreeEnsemble
{
    private readonly (int[] Left, int[] Right, int[] Feature, float[] Threshold, double[] Leaf, double Weight)[] trees;
    private readonly double bias;

    private TreeEnsemble(RegressionTreeEnsemble ensemble)
    {
        bias = ensemble.Bias;
        trees = [.. ensemble.Trees.Select((t, i) => (t.LeftChild.ToArray(), t.RightChild.ToArray(), t.NumericalSplitFeatureIndexes.ToArray(),
            t.NumericalSplitThresholds.ToArray(), t.LeafValues.ToArray(), ensemble.TreeWeights[i]))];
    }

    public int TreeCount => trees.Length;

    public float Score(float[] row)
    {
        var sum = bias;
        foreach (var (left, right, feature, threshold, leaf, weight) in trees)
        {
            var node = 0;
            if (left.Length == 0)
            {
                sum += weight * leaf[0];
                continue;
            }
            while (node >= 0) node = row[feature[node]] <= threshold[node] ? left[node] : right[node];
            sum += weight * leaf[~node];
        }
        return (float)sum;
    }

    /// <summary>LambdaRank within each group (one thread, seed 1: the same groups give the same trees).</summary>
    public static TreeEnsemble Fit(IReadOnlyList<SampleGroup> groups, int trees, int leaves, double learningRate)
    {
        var context = new MLContext(seed: 1);
        var data = context.Data.LoadFromEnumerable(Rows(groups));
        data = context.Transforms.Conversion.MapValueToKey(nameof(Row.Group)).Fit(data).Transform(data);
        var ranker = context.Ranking.Trainers.FastTree(new FastTreeRankingTrainer.Options
        {
            LabelColumnName = nameof(Row.Relevance),
            RowGroupColumnName = nameof(Row.Group),
            NumberOfTrees = trees,
            NumberOfLeaves = leaves,
            LearningRate = learningRate,
            NumberOfThreads = 1,
            MinimumExampleCountPerLeaf = 20,
        });
        return new TreeEnsemble(ranker.Fit(data).Model.TrainedTreeEnsemble);
    }

    private static IEnumerable<Row> Rows(IReadOnlyList<SampleGroup> groups)
    {
        var width = FeatureNames.Count;
        if (width != Row.Width) throw new InvalidOperationException($"the ranker's rows hold {Row.Width} features, the model has {width}");
        for (var g = 0; g < groups.Count; g++)
        {
            var group = groups[g];
            for (var c = 0; c < group.Count; c++)
                yield return new Row
                {
                    Relevance = c == group.Target ? 1 : 0,
                    Group = (uint)g,
                    Features = group.Features.AsSpan(c * width, width).ToArray(),
                };
        }
    }

    private sealed class Row
    {
        // FeatureNames.Count, as the constant an attribute argument must be; Rows checks it.
        public const int Width = 10;

        public float Relevance { get; set; }
        public uint Group { get; set; }

        [VectorType(Width)]
        public float[] Features { get; set; } = [];
    }
}
