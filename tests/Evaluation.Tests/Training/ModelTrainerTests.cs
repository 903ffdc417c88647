using Insights.Evaluation.Data;
using Insights.Evaluation.Training;
using Insights.Propensity.Catalog;
using Insights.Propensity.Scoring;

namespace Insights.Evaluation.Tests.Training;

public class ModelTrainerTests
{
    /// <summary>40 members, 12 events each; members tend to move from movie m to m + 1.</summary>
    private static Dataset Synthetic(Func<int, int, int>? lastMovie = null)
    {
        var random = new Random(21);
        var catalog = new MovieCatalog(["A", "B"]);
        for (var id = 1; id <= 30; id++) catalog.Upsert(new Movie(id, (uint)(1 + id % 3), 9000 + id, MovieStatus.Unknown));
        var events = new List<Attendance>();
        for (var m = 0; m < 40; m++)
        {
            var movie = random.Next(1, 20);
            for (var e = 0; e < 12; e++)
            {
                movie = random.NextDouble() < 0.7 ? movie % 30 + 1 : random.Next(1, 31);
                var chosen = e == 11 && lastMovie is not null ? lastMovie(m, movie) : movie;
                events.Add(new Attendance(m, chosen, 900_000_000L + m * 3600 + e * 86400L));
            }
        }
        return new Dataset("synthetic", catalog, new Dictionary<int, byte>(), events);
    }

    [Fact]
    public void Training_never_reads_the_test_events()
    {
        var original = ModelTrainer.Train(Synthetic());
        var changedTests = ModelTrainer.Train(Synthetic(lastMovie: (member, movie) => (movie + member) % 30 + 1));

        Assert.Equal(original.ToJson(), changedTests.ToJson());
    }

    [Fact]
    public void The_trained_model_names_its_features_and_choices_and_learns_the_sequence()
    {
        var model = ModelTrainer.Train(Synthetic());

        Assert.Equal(FeatureNames.All, model.Features);
        Assert.StartsWith("lr-", model.ModelVersion);
        Assert.Contains("validation_hr@10", model.Training.Keys);
        Assert.Contains(model.Settings.RecencyDecayEvents, new[] { 3.0, 5.0, 8.0 });
        Assert.True(model.Weights[FeatureNames.Sequence] > 0, "following movies predict the next one in this data");
        Assert.Same(model, model.Validated());
    }
}
