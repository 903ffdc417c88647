using Insights.Evaluation.Metrics;

namespace Insights.Evaluation.Tests.Metrics;

public class CalibrationTests
{
    private static Calibration With(Calibration calibration, params (double Predicted, int Times, int Happened)[] groups)
    {
        foreach (var (predicted, times, happened) in groups)
            for (var i = 0; i < times; i++) calibration.Add(predicted, i < happened);
        return calibration;
    }

    [Fact]
    public void Predictions_that_come_true_as_often_as_they_say_have_an_ece_of_zero()
    {
        // 5% of the 0.05s, 35% of the 0.35s and 90% of the 0.9s happen.
        var calibration = With(Calibration.EqualWidth(10), (0.05, 1000, 50), (0.35, 400, 140), (0.9, 200, 180));

        Assert.Equal(0, calibration.ExpectedCalibrationError(), 12);
    }

    [Fact]
    public void Outcomes_drawn_with_the_predicted_probability_give_an_ece_near_zero()
    {
        var random = new Random(7);
        var calibration = Calibration.EqualWidth(10);
        for (var i = 0; i < 200_000; i++)
        {
            var p = random.NextDouble();
            calibration.Add(p, random.NextDouble() < p);
        }

        // Sampling noise alone: each bin holds ~20,000 draws, a standard error of ~0.003 on its rate.
        Assert.InRange(calibration.ExpectedCalibrationError(), 0, 0.005);
    }

    [Fact]
    public void A_known_miscalibration_gives_the_ece_worked_out_by_hand()
    {
        var calibration = With(Calibration.EqualWidth(10),
            (0.10, 1, 1), (0.15, 1, 0), // bin [0.1, 0.2): mean 0.125, rate 1/2, gap 0.375, 2 predictions
            (0.50, 5, 2),                // bin [0.5, 0.6): mean 0.5, rate 2/5, gap 0.1, 5 predictions
            (0.80, 3, 1));               // bin [0.8, 0.9): mean 0.8, rate 1/3, gap 0.4667, 3 predictions

        // (2 x 0.375 + 5 x 0.1 + 3 x (0.8 - 1/3)) / 10
        Assert.Equal(0.265, calibration.ExpectedCalibrationError(), 12);
        var bin = calibration.Bins()[1];
        Assert.Equal((0.1, 0.2, 2L, 1L), (bin.Lower, bin.Upper, bin.Count, bin.Observed));
        Assert.Equal(0.125, bin.MeanPredicted, 12);
        Assert.Equal(0.5, bin.ObservedRate);
    }

    [Fact]
    public void Over_and_under_confidence_in_different_bins_do_not_cancel()
    {
        // Overall 0.2 x 10 + 0.8 x 10 = 10 predicted and 10 happened, but each bin is off by 0.2.
        var calibration = With(Calibration.EqualWidth(10), (0.2, 10, 4), (0.8, 10, 6));

        Assert.Equal(0.2, calibration.ExpectedCalibrationError(), 12);
    }

    [Fact]
    public void Every_prediction_falls_in_exactly_one_bin_and_an_edge_starts_the_bin_above_it()
    {
        double[] predictions = [0, 0.0999, 0.1, 0.35, 0.9, 0.95, 1];
        var calibration = Calibration.EqualWidth(10);
        foreach (var p in predictions) calibration.Add(p, happened: false);

        var counts = calibration.Bins().Select(b => b.Count).ToArray();
        Assert.Equal([2L, 1, 0, 1, 0, 0, 0, 0, 0, 3], counts); // 0.1 opens [0.1, 0.2); 1 closes the last bin
        Assert.Equal(predictions.Length, calibration.Count);
    }

    [Fact]
    public void Log_spaced_bins_count_each_prediction_once_in_the_bin_that_contains_it()
    {
        var random = new Random(11);
        var predictions = Enumerable.Range(0, 10_000).Select(_ => Math.Pow(10, -8 * random.NextDouble())).Append(0).Append(1).ToArray();
        var calibration = Calibration.LogSpaced(lowestDecade: -6, binsPerDecade: 2);
        foreach (var p in predictions) calibration.Add(p, happened: false);

        var bins = calibration.Bins();
        Assert.Equal(13, bins.Count); // [0, 1e-6) and two per decade up to 1
        Assert.Equal(predictions.Length, bins.Sum(b => b.Count));
        foreach (var b in bins)
            Assert.Equal(predictions.Count(p => p >= b.Lower && (p < b.Upper || (p == 1 && b.Upper == 1))), b.Count);
    }

    [Fact]
    public void Log_spaced_bins_run_in_half_decades_from_zero_to_one()
    {
        var bins = Calibration.LogSpaced(lowestDecade: -2, binsPerDecade: 2).Bins();

        Assert.Equal([0, 0.01, 0.0316, 0.1, 0.3162], bins.Select(b => Math.Round(b.Lower, 4)));
        Assert.Equal([0.01, 0.0316, 0.1, 0.3162, 1], bins.Select(b => Math.Round(b.Upper, 4)));
    }

    [Theory]
    [InlineData(-0.01)]
    [InlineData(1.01)]
    [InlineData(double.NaN)]
    public void A_value_outside_zero_to_one_is_not_a_probability(double predicted)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Calibration.EqualWidth(10).Add(predicted, happened: true));
    }

    [Fact]
    public void Without_predictions_the_ece_is_zero_and_the_bins_are_empty()
    {
        var calibration = Calibration.EqualWidth(4);

        Assert.Equal(0, calibration.ExpectedCalibrationError());
        Assert.All(calibration.Bins(), b => Assert.Equal(0, b.Count));
    }
}
