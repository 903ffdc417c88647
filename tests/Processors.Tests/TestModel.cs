using Insights.Propensity;
using Insights.Propensity.Scoring;

namespace Insights.Processors.Tests;

/// <summary>A fixed model whose weights make every feature matter, so a change in any input moves the scores.</summary>
public static class TestModel
{
    public static PropensityModel Create(string version = "test-1") => new()
    {
        ModelVersion = version,
        Settings = ModelSettings.Default,
        Features = FeatureNames.All,
        Means = new float[FeatureNames.Count],
        Scales = Enumerable.Repeat(1f, FeatureNames.Count).ToArray(),
        Weights = [0.9f, 0.7f, 0.4f, 0.3f, 0.2f, 0.8f, -0.1f, 0.5f, 0.1f, -0.2f],
        Intercept = -3f,
    };
}
