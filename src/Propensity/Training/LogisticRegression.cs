namespace Insights.Propensity.Training;

/// <summary>The fitted parameters on standardised features.</summary>
public sealed record LogisticFit(float[] Means, float[] Scales, float[] Weights, float Intercept, int Iterations);

/// <summary>
/// Weighted L2-regularised logistic regression fitted by Newton's method (IRLS). With a dozen features
/// the Hessian is tiny, so each step is one pass over the data and a small Cholesky solve; it converges
/// in a handful of steps and, unlike SGD, has no learning rate to tune. The intercept is not penalised.
/// </summary>
public static class LogisticRegression
{
    public static LogisticFit Fit(TrainingSet data, double l2, int maxIterations = 50, double tolerance = 1e-7)
    {
        if (data.Count == 0) throw new ArgumentException("cannot fit a model on zero examples", nameof(data));
        if (l2 < 0) throw new ArgumentOutOfRangeException(nameof(l2), "l2 must not be negative");
        var d = data.Width;
        var (means, scales) = Standardisation(data);
        var p = d + 1; // last coefficient is the intercept
        var beta = new double[p];
        var gradient = new double[p];
        var hessian = new double[p * p];
        var x = new double[p];
        double totalWeight = 0;
        for (var i = 0; i < data.Count; i++) totalWeight += data.Weight(i);
        var iterations = 0;
        for (; iterations < maxIterations; iterations++)
        {
            Array.Clear(gradient);
            Array.Clear(hessian);
            for (var i = 0; i < data.Count; i++)
            {
                Standardise(data.Row(i), means, scales, x);
                double z = 0;
                for (var k = 0; k < p; k++) z += beta[k] * x[k];
                var prob = 1 / (1 + Math.Exp(-z));
                var w = data.Weight(i) / totalWeight;
                var residual = (data.Label(i) ? 1 : 0) - prob;
                var curvature = w * Math.Max(prob * (1 - prob), 1e-12);
                for (var a = 0; a < p; a++)
                {
                    gradient[a] += w * residual * x[a];
                    var ha = curvature * x[a];
                    for (var b = 0; b <= a; b++) hessian[a * p + b] += ha * x[b];
                }
            }
            for (var a = 0; a < p; a++)
                for (var b = 0; b < a; b++) hessian[b * p + a] = hessian[a * p + b];
            for (var a = 0; a < d; a++)
            {
                gradient[a] -= l2 * beta[a];
                hessian[a * p + a] += l2;
            }
            // A feature that is constant in the data has a zero row; a tiny ridge keeps the solve defined.
            for (var a = 0; a < p; a++) hessian[a * p + a] += 1e-9;
            var step = SymmetricSolve(hessian, gradient, p);
            double change = 0;
            for (var k = 0; k < p; k++)
            {
                beta[k] += step[k];
                change = Math.Max(change, Math.Abs(step[k]));
            }
            if (change < tolerance) { iterations++; break; }
        }
        var weights = new float[d];
        for (var k = 0; k < d; k++) weights[k] = (float)beta[k];
        return new LogisticFit(means, scales, weights, (float)beta[d], iterations);
    }

    private static (float[] Means, float[] Scales) Standardisation(TrainingSet data)
    {
        var d = data.Width;
        var sum = new double[d];
        var sumSquares = new double[d];
        double total = 0;
        for (var i = 0; i < data.Count; i++)
        {
            var row = data.Row(i);
            var w = data.Weight(i);
            total += w;
            for (var k = 0; k < d; k++)
            {
                sum[k] += w * row[k];
                sumSquares[k] += w * row[k] * row[k];
            }
        }
        var means = new float[d];
        var scales = new float[d];
        for (var k = 0; k < d; k++)
        {
            var mean = sum[k] / total;
            var variance = Math.Max(0, sumSquares[k] / total - mean * mean);
            means[k] = (float)mean;
            // A constant feature gets scale 1 so it contributes nothing instead of dividing by zero.
            scales[k] = variance > 1e-12 ? (float)Math.Sqrt(variance) : 1f;
        }
        return (means, scales);
    }

    private static void Standardise(ReadOnlySpan<float> row, float[] means, float[] scales, double[] x)
    {
        for (var k = 0; k < row.Length; k++) x[k] = (row[k] - means[k]) / scales[k];
        x[row.Length] = 1;
    }

    /// <summary>Solves A s = b for a symmetric positive definite A by Cholesky.</summary>
    internal static double[] SymmetricSolve(double[] a, double[] b, int n)
    {
        var l = new double[n * n];
        for (var i = 0; i < n; i++)
        {
            for (var j = 0; j <= i; j++)
            {
                var sum = a[i * n + j];
                for (var k = 0; k < j; k++) sum -= l[i * n + k] * l[j * n + k];
                if (i == j)
                {
                    if (sum <= 0) throw new InvalidOperationException("the logistic-regression Hessian is not positive definite (add l2)");
                    l[i * n + i] = Math.Sqrt(sum);
                }
                else l[i * n + j] = sum / l[j * n + j];
            }
        }
        var y = new double[n];
        for (var i = 0; i < n; i++)
        {
            var sum = b[i];
            for (var k = 0; k < i; k++) sum -= l[i * n + k] * y[k];
            y[i] = sum / l[i * n + i];
        }
        var s = new double[n];
        for (var i = n - 1; i >= 0; i--)
        {
            var sum = y[i];
            for (var k = i + 1; k < n; k++) sum -= l[k * n + i] * s[k];
            s[i] = sum / l[i * n + i];
        }
        return s;
    }
}
