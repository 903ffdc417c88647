using Insights.Evaluation.Baselines;

namespace Insights.Evaluation.Tests.Baselines;

public class EaseTests
{
    private static readonly Dictionary<int, int[]> Histories = new()
    {
        [1] = [10, 20, 30], [2] = [10, 20], [3] = [20, 30, 40], [4] = [40, 50], [5] = [10, 50, 60], [6] = [30, 60], [7] = [10, 40],
    };

    [Fact]
    public void Scores_are_those_the_gauss_jordan_version_gave()
    {
        var ease = new Ease(Histories, new ItemIndex([10, 20, 30, 40, 50, 60]), lambda: 1);
        var scores = new float[4];

        ease.Score(7, [20, 30, 50, 60], scores);

        // Printed by the former in-place Gauss-Jordan inverse on this case: the ranking 20, 50, 30, 60.
        Assert.Equal(0.41728395f, scores[0], 6);
        Assert.Equal(0.10638298f, scores[1], 6);
        Assert.Equal(0.4009662f, scores[2], 6);
        Assert.Equal(0.029612755f, scores[3], 6);
    }

    [Fact]
    public void Scores_follow_the_definition_b_is_minus_p_over_its_diagonal_with_a_zero_diagonal()
    {
        var index = new ItemIndex([10, 20, 30, 40, 50, 60]);
        var ease = new Ease(Histories, index, lambda: 1);
        // P = (X'X + I)^-1 by Math.NET's LU inverse: a route independent of the Cholesky one under test.
        var x = MathNet.Numerics.LinearAlgebra.Matrix<double>.Build.Dense(Histories.Count, index.Count);
        var row = 0;
        foreach (var history in Histories.Values)
        {
            foreach (var movie in history) x[row, index.Of(movie)] = 1;
            row++;
        }
        var p = (x.TransposeThisAndMultiply(x) + MathNet.Numerics.LinearAlgebra.Matrix<double>.Build.DenseIdentity(index.Count)).Inverse();
        int[] candidates = [20, 30, 50, 60];
        var scores = new float[candidates.Length];

        ease.Score(7, candidates, scores);

        for (var c = 0; c < candidates.Length; c++)
        {
            var j = index.Of(candidates[c]);
            var expected = Histories[7].Sum(movie => -p[index.Of(movie), j] / p[j, j]);
            Assert.Equal(expected, scores[c], 6);
        }
    }

    [Fact]
    public void A_movie_always_seen_with_the_members_movie_outscores_an_unrelated_one()
    {
        var histories = new Dictionary<int, int[]>
        {
            [1] = [10, 20], [2] = [10, 20], [3] = [10, 20], [4] = [30, 40], [5] = [10],
        };
        var ease = new Ease(histories, new ItemIndex([10, 20, 30, 40]), lambda: 1);
        var scores = new float[2];

        ease.Score(5, [20, 30], scores);

        Assert.True(scores[0] > scores[1]);
    }

    [Fact]
    public void A_movie_outside_training_ranks_last()
    {
        var ease = new Ease(Histories, new ItemIndex([10, 20, 30, 40, 50, 60]), lambda: 1);
        var scores = new float[2];

        ease.Score(7, [20, 99], scores);

        Assert.Equal(float.NegativeInfinity, scores[1]);
    }

    [Fact]
    public void The_fitted_model_says_what_inverted_its_gram_matrix()
    {
        var ease = new Ease(Histories, new ItemIndex([10, 20, 30, 40, 50, 60]));

        Assert.Equal(CholeskyInverse.Implementation, ease.Inverse);
    }
}
