using Insights.Propensity.Training;

namespace Insights.Propensity.Tests.Training;

public class LogisticRegressionTests
{
    private static TrainingSet Synthetic(double w0, double w1, double b, int n, int seed)
    {
        var random = new Random(seed);
        var data = new TrainingSet(2);
        for (var i = 0; i < n; i++)
        {
            var x0 = (float)(random.NextDouble() * 2 - 1);
            var x1 = (float)(random.NextDouble() * 4 - 2);
            var p = 1 / (1 + Math.Exp(-(w0 * x0 + w1 * x1 + b)));
            data.Add([x0, x1], random.NextDouble() < p, 1);
        }
        return data;
    }

    [Fact]
    public void Fitting_recovers_the_weights_that_generated_the_labels()
    {
        var fit = LogisticRegression.Fit(Synthetic(2.0, -1.0, 0.5, 20_000, 3), l2: 0);

        // Back from standardised to raw coefficients.
        var w0 = fit.Weights[0] / fit.Scales[0];
        var w1 = fit.Weights[1] / fit.Scales[1];
        var b = fit.Intercept - w0 * fit.Means[0] - w1 * fit.Means[1];
        Assert.Equal(2.0, w0, 0.15);
        Assert.Equal(-1.0, w1, 0.1);
        Assert.Equal(0.5, b, 0.1);
    }

    [Fact]
    public void Weighted_negatives_keep_the_mean_probability_at_the_true_rate()
    {
        // One positive in 1,000, represented by 1 positive and 10 negatives of weight 99.9.
        var data = new TrainingSet(1);
        for (var i = 0; i < 100; i++)
        {
            data.Add([0f], true, 1);
            for (var j = 0; j < 10; j++) data.Add([0f], false, 99.9f);
        }

        var fit = LogisticRegression.Fit(data, l2: 0);

        Assert.Equal(0.001, 1 / (1 + Math.Exp(-fit.Intercept)), 1e-5);
    }

    [Fact]
    public void An_empty_training_set_is_refused()
    {
        Assert.Throws<ArgumentException>(() => LogisticRegression.Fit(new TrainingSet(3), 0.01));
    }
}
