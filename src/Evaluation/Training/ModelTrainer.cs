using Insights.Evaluation.Data;
using Insights.Evaluation.Metrics;
using Insights.Evaluation.Protocols;
using Insights.Propensity;
using Insights.Propensity.Scoring;
using Insights.Propensity.Training;

namespace Insights.Evaluation.Training;

/// <summary>
/// Learns the scorer's weights without touching test events: every member's last event is dropped, the
/// second-to-last becomes the validation target, the rest is replayed through the streaming state. Each
/// member's validation movie (positive) and a uniform sample of its other candidates (negatives, weighted
/// back to the full candidate count so probabilities stay calibrated) train a logistic regression; the
/// hyperparameter grid is judged by validation HR@10 over the full candidate ranking.
/// </summary>
public static class ModelTrainer
{
    public const int NegativesPerMember = 100;
    private static readonly double[] RecencyDecays = [3, 5, 8];
    private static readonly double[] L2Penalties = [1e-4, 1e-2];

    /// <summary>A fitted model over <see cref="FeatureNames.All"/>, before it is given a version.</summary>
    internal static PropensityModel Unversioned(LogisticFit fit, ModelSettings settings) => new()
    {
        ModelVersion = "",
        Settings = settings,
        Features = FeatureNames.All,
        Means = fit.Means,
        Scales = fit.Scales,
        Weights = fit.Weights,
        Intercept = fit.Intercept,
    };

    public static PropensityModel Train(Dataset dataset, IProgress<EvaluationProgress>? progress = null, ModelSettings? baseSettings = null)
    {
        var settings = (baseSettings ?? ModelSettings.Default).Validated();
        var test = LeaveLastOutSplit.Of(dataset.Attendances);
        var validation = LeaveLastOutSplit.Of(test.Train);
        var replay = new StreamingReplay(dataset, settings);
        replay.ApplyAll(validation.Train, f => progress?.Report(new("train: replay", f)));
        replay.Collective.RefreshAll();

        var members = validation.HeldOut.Keys.Where(m => validation.Histories[m].Length > 0).Order().ToArray();
        if (members.Length == 0) throw new DatasetException($"{dataset.Name}: no member has two or more events, nothing to train on");
        var candidates = new LloCandidates(validation);
        var width = FeatureNames.Count;
        PropensityModel? best = null;
        (double Hr, double Ndcg, double Ece, double BaseRate) bestFigures = (-1, -1, 0, 0);
        var step = 0;
        foreach (var decay in RecencyDecays)
        {
            var trial = settings with { RecencyDecayEvents = decay };
            var extractor = new FeatureExtractor(trial, dataset.Catalog);
            var rows = new (float[] Features, int Target, int Count)[members.Length];
            var random = new Random(17);
            var examples = new TrainingSet(width);
            for (var m = 0; m < members.Length; m++)
            {
                var member = replay.MemberOf(members[m]);
                var (list, target) = candidates.For(members[m], validation.HeldOut[members[m]].MovieId);
                var features = new float[list.Length * width];
                extractor.Extract(member, list, replay.Collective, member.LastAt ?? 0, features);
                rows[m] = (features, target, list.Length);
                examples.Add(features.AsSpan(target * width, width), true, 1);
                var negatives = Math.Min(NegativesPerMember, list.Length - 1);
                var weight = (float)(list.Length - 1) / negatives;
                for (var s = 0; s < negatives; s++)
                {
                    var c = random.Next(list.Length - 1);
                    if (c >= target) c++;
                    examples.Add(features.AsSpan(c * width, width), false, weight);
                }
                progress?.Report(new("train: fit", (step + (double)m / members.Length) / RecencyDecays.Length));
            }
            foreach (var l2 in L2Penalties)
            {
                var model = Unversioned(LogisticRegression.Fit(examples, l2), trial);
                var figures = ValidationFigures(model, rows);
                if (Ranking.RanksBetter((figures.Hr, figures.Ndcg), (bestFigures.Hr, bestFigures.Ndcg)))
                {
                    bestFigures = figures;
                    best = model with
                    {
                        Training = new()
                        {
                            ["validation_hr@10"] = Math.Round(figures.Hr, 4),
                            ["validation_ndcg@10"] = Math.Round(figures.Ndcg, 4),
                            // How far the probabilities are from observed rates: what a campaign's expected attendance relies on.
                            ["validation_ece"] = Math.Round(figures.Ece, 6),
                            ["validation_base_rate"] = Math.Round(figures.BaseRate, 6),
                            ["recency_decay_events"] = decay,
                            ["l2"] = l2,
                            ["members"] = members.Length,
                            ["examples"] = examples.Count,
                        },
                    };
                }
            }
            step++;
        }
        return best! with { ModelVersion = VersionOf(best!) };
    }

    /// <summary>HR@10 and NDCG@10 of the validation targets over every candidate, and the calibration of every candidate's probability.</summary>
    private static (double Hr, double Ndcg, double Ece, double BaseRate) ValidationFigures(PropensityModel model, (float[] Features, int Target, int Count)[] rows)
    {
        var calibration = CandidateCalibration.Create();
        var width = FeatureNames.Count;
        var ranks = new List<int>(rows.Length);
        var coefficients = new float[width];
        var bias = model.Intercept;
        for (var k = 0; k < width; k++)
        {
            coefficients[k] = model.Weights[k] / model.Scales[k];
            bias -= coefficients[k] * model.Means[k];
        }
        foreach (var (features, target, count) in rows)
        {
            var scores = new float[count];
            for (var c = 0; c < count; c++)
            {
                var z = bias;
                for (var k = 0; k < width; k++) z += coefficients[k] * features[c * width + k];
                scores[c] = z;
            }
            ranks.Add(Ranking.PessimisticRank(scores, target));
            for (var c = 0; c < count; c++) calibration.Add(PropensityScorer.Sigmoid(scores[c]), c == target);
        }
        return (Ranking.HitRate(ranks, 10), Ranking.Ndcg(ranks, 10), calibration.ExpectedCalibrationError(), (double)rows.Length / calibration.Count);
    }

    // A content hash: the same weights and settings always get the same version string.
    private static string VersionOf(PropensityModel model)
    {
        var text = (model with { ModelVersion = "", Training = [] }).ToJson();
        var hash = System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(text));
        return "lr-" + Convert.ToHexStringLower(hash)[..12];
    }
}
