using Insights.Propensity.Catalog;
using Insights.Propensity.Collective;
using Insights.Propensity.Members;

namespace Insights.Propensity.Scoring;

/// <summary>
/// Turns a member's state and the collective view into calibrated probabilities for candidate movies.
/// Reuses its buffers: no allocation per call once warm. One scorer per thread.
/// </summary>
public sealed class PropensityScorer
{
    private readonly PropensityModel model;
    private readonly FeatureExtractor extractor;
    private readonly float[] coefficients;
    private readonly float bias;
    private float[] features = [];

    public PropensityScorer(PropensityModel model, MovieCatalog catalog)
    {
        this.model = model.Validated();
        extractor = new FeatureExtractor(model.Settings, catalog);
        // Fold the standardisation into the weights once: w_k / s_k, and the intercept absorbs the means.
        coefficients = new float[FeatureNames.Count];
        var b = (double)model.Intercept;
        for (var k = 0; k < coefficients.Length; k++)
        {
            coefficients[k] = model.Weights[k] / model.Scales[k];
            b -= (double)coefficients[k] * model.Means[k];
        }
        bias = (float)b;
    }

    public PropensityModel Model => model;

    /// <summary>Linear scores (log-odds) of distinct candidates; cheaper than probabilities when only the order matters.</summary>
    public void LogOdds(MemberState member, ReadOnlySpan<int> candidates, ICollectiveView view, long atSeconds, Span<float> destination)
    {
        var width = FeatureExtractor.Width;
        var needed = candidates.Length * width;
        if (features.Length < needed) features = new float[Math.Max(needed, features.Length * 2)];
        extractor.Extract(member, candidates, view, atSeconds, features);
        for (var c = 0; c < candidates.Length; c++)
        {
            var row = features.AsSpan(c * width, width);
            var z = bias;
            for (var k = 0; k < width; k++) z += coefficients[k] * row[k];
            destination[c] = z;
        }
    }

    /// <summary>Probabilities and seen flags for distinct candidates.</summary>
    public void Score(MemberState member, ReadOnlySpan<int> candidates, ICollectiveView view, long atSeconds, Span<CandidateScore> destination)
    {
        Span<float> logOdds = candidates.Length <= 256 ? stackalloc float[candidates.Length] : new float[candidates.Length];
        LogOdds(member, candidates, view, atSeconds, logOdds);
        var seen = extractor.Seen(candidates.Length);
        for (var c = 0; c < candidates.Length; c++)
            destination[c] = new CandidateScore(candidates[c], Sigmoid(logOdds[c]), seen[c]);
    }

    public static float Sigmoid(float z) => 1f / (1f + MathF.Exp(-z));
}
