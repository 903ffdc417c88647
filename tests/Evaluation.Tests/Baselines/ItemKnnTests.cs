using Insights.Evaluation.Baselines;

namespace Insights.Evaluation.Tests.Baselines;

public class ItemKnnTests
{
    private static readonly ItemIndex Movies = new([10, 20, 30]);

    [Fact]
    public void Item_knn_scores_neighbours_of_the_members_movies()
    {
        var histories = new Dictionary<int, int[]>
        {
            [1] = [10, 20], [2] = [10, 20], [3] = [10, 30], [5] = [10],
        };
        var knn = new ItemKnn(histories, Movies);
        var scores = new float[2];

        knn.Score(5, [20, 30], scores);

        // cosine(10, 20) = 2 / sqrt(4 * 2), cosine(10, 30) = 1 / sqrt(4 * 1)
        Assert.Equal(2 / Math.Sqrt(8), scores[0], 5);
        Assert.Equal(0.5, scores[1], 5);
    }

    [Fact]
    public void A_neighbour_count_keeps_only_the_candidates_most_similar_movies()
    {
        // Movie 20's nearest movie is 10 (cosine 2/sqrt(6)); 30 is further (1/sqrt(6)), although 20 is 30's nearest.
        var histories = new Dictionary<int, int[]>
        {
            [1] = [10, 20], [2] = [10, 20], [3] = [20, 30], [9] = [30],
        };
        var scores = new float[1];

        new ItemKnn(histories, Movies, neighbourCount: 1).Score(9, [20], scores);
        Assert.Equal(0, scores[0]);

        new ItemKnn(histories, Movies, neighbourCount: null).Score(9, [20], scores);
        Assert.Equal(1 / Math.Sqrt(6), scores[0], 5);
    }

    [Fact]
    public void Recency_weights_the_newest_movie_one_and_each_older_event_by_exp_of_minus_age_over_decay()
    {
        var histories = new Dictionary<int, int[]>
        {
            [1] = [10, 20], [2] = [10, 20], [3] = [20, 30], [9] = [10, 30],
        };
        var knn = new ItemKnn(histories, Movies, neighbourCount: null, recencyDecay: 5);
        var scores = new float[1];

        knn.Score(9, [20], scores);

        // 30 is the newest (age 0), 10 one event older: cosine(10, 20) = 2/3, cosine(30, 20) = 1/sqrt(6).
        Assert.Equal(Math.Exp(-1 / 5.0) * 2 / 3 + 1 / Math.Sqrt(6), scores[0], 5);
    }

    [Fact]
    public void A_rewatched_movie_counts_once_at_its_newest_event()
    {
        var histories = new Dictionary<int, int[]>
        {
            [1] = [10, 20], [2] = [10, 20], [3] = [20, 30], [9] = [10, 30, 10],
        };
        var knn = new ItemKnn(histories, Movies, neighbourCount: null, recencyDecay: 5);
        var scores = new float[1];

        knn.Score(9, [20], scores);

        Assert.Equal(2.0 / 3 + Math.Exp(-1 / 5.0) / Math.Sqrt(6), scores[0], 5);
    }

    [Fact]
    public void Candidates_and_members_unknown_to_training_score_zero()
    {
        var histories = new Dictionary<int, int[]> { [1] = [10, 20], [2] = [20, 30] };
        var knn = new ItemKnn(histories, Movies);
        var scores = new float[2];

        knn.Score(1, [30, 99], scores);
        Assert.True(scores[0] > 0);
        Assert.Equal(0, scores[1]);

        knn.Score(404, [30, 99], scores);
        Assert.All(scores, score => Assert.Equal(0, score));
    }

    [Theory]
    [InlineData(0, null, "neighbourCount")]
    [InlineData(100, 0.0, "recencyDecay")]
    [InlineData(100, double.NaN, "recencyDecay")]
    public void Bad_settings_are_rejected_naming_the_setting(int neighbourCount, double? recencyDecay, string setting)
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() =>
            new ItemKnn(new Dictionary<int, int[]> { [1] = [10, 20] }, Movies, neighbourCount, recencyDecay));

        Assert.Equal(setting, error.ParamName);
    }
}
