using Insights.Api;

namespace Insights.Api.Tests;

public sealed class ScoreHistogramTests
{
    [Fact]
    public void A_skewed_audience_spreads_over_many_bars_none_holding_everyone_and_each_member_counted_once()
    {
        var scores = SkewedScores.Of(5_000);
        Assert.True(scores.Count(s => s < 0.02) > 0.85 * scores.Count, "the sample should be mostly below 2%");

        var histogram = ScoreHistogram.Of(1, ScoreBins.Default, scores);

        Assert.Equal(scores.Count, histogram.Members);
        Assert.Equal(scores.Count, histogram.Bins.Sum(b => b.Count));
        Assert.True(histogram.Bins.Max(b => b.Count) < scores.Count / 4, $"one bar holds {histogram.Bins.Max(b => b.Count)} of {scores.Count}");
        Assert.True(histogram.Bins.Count(b => b.Count > 0) >= 10, $"only {histogram.Bins.Count(b => b.Count > 0)} bars are drawn");
        // Each score lands in the one bin whose range holds it.
        Assert.All(scores.Take(200), s => Assert.Single(histogram.Bins, b => b.From <= s && (s < b.To || b.To == 1)));
    }

    [Fact]
    public void The_bins_run_from_0_to_1_with_the_first_below_the_floor_and_the_rest_even_on_a_log_scale()
    {
        var edges = ScoreBins.Edges(5);

        Assert.Equal([0, 0.0001, 0.001, 0.01, 0.1, 1], edges);
        Assert.All(new[] { 1, 2, 20, 100 }.Select(ScoreBins.Edges), e =>
        {
            Assert.Equal((0.0, 1.0), (e[0], e[^1]));
            Assert.True(e.Zip(e.Skip(1)).All(p => p.First < p.Second), "edges must strictly increase");
        });
    }

    [Theory]
    [InlineData(0.0, 0)]
    [InlineData(0.00005, 0)]
    [InlineData(0.0001, 1)]
    [InlineData(0.005, 2)]
    [InlineData(0.01, 3)]
    [InlineData(1.0, 4)]
    public void A_score_falls_in_the_bin_whose_lower_edge_it_reaches(double score, int bin) =>
        Assert.Equal(bin, ScoreBins.IndexOf(ScoreBins.Edges(5), score));
}
