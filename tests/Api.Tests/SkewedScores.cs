namespace Insights.Api.Tests;

/// <summary>
/// Scores shaped like real propensities for one movie: log-normal around 0.4% (about nine in ten below 2%, a thin
/// tail up to tens of per cent), rounded to 6 decimals as the worker does, never 0. Deterministic per seed.
/// </summary>
public static class SkewedScores
{
    public static List<double> Of(int count, int seed = 7)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count).Select(_ =>
        {
            // Box-Muller: one standard normal from two uniforms.
            var normal = Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
            return Math.Clamp(Math.Round(Math.Exp(Math.Log(0.004) + 1.2 * normal), 6), 0.000001, 0.99);
        }).ToList();
    }
}
