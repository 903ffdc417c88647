using Insights.Evaluation.Baselines;

namespace Insights.Evaluation.Tests.Baselines;

public class EaseTests
{
    [Fact]
    public void Gauss_jordan_inversion_gives_the_inverse()
    {
        double[] a = [4, 1, 2, 1, 3, 0, 2, 0, 5];
        var inverse = (double[])a.Clone();

        Ease.InvertInPlace(inverse, 3);

        for (var i = 0; i < 3; i++)
            for (var j = 0; j < 3; j++)
            {
                double sum = 0;
                for (var k = 0; k < 3; k++) sum += a[i * 3 + k] * inverse[k * 3 + j];
                Assert.Equal(i == j ? 1 : 0, sum, 10);
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
}
