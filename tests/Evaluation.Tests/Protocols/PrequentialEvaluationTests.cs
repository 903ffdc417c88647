using Insights.Evaluation.Data;
using Insights.Evaluation.Protocols;
using Insights.Propensity.Catalog;

namespace Insights.Evaluation.Tests.Protocols;

public class PrequentialEvaluationTests
{
    private const long Day = 86400;

    /// <summary>
    /// Members 1..8 each watch movies 1..6 one day apart, in the same order, then member 9 does too.
    /// Movie 100 is popular but only months earlier, so it is not active when members 1..8 are ranked.
    /// </summary>
    private static Dataset Sequel()
    {
        var catalog = new MovieCatalog(["Drama"]);
        foreach (var id in new[] { 1, 2, 3, 4, 5, 6, 100 }) catalog.Upsert(new Movie(id, 1, null, MovieStatus.Unknown));
        var events = new List<Attendance>();
        for (var m = 20; m < 40; m++) events.Add(new Attendance(m, 100, 0));
        var start = 200 * Day;
        for (var m = 1; m <= 9; m++)
            for (var i = 0; i < 6; i++) events.Add(new Attendance(m, i + 1, start + (m * 10 + i) * Day));
        return new Dataset("sequel", catalog, new Dictionary<int, byte>(), events);
    }

    [Fact]
    public void Only_events_of_members_with_five_earlier_events_are_ranked()
    {
        var result = PrequentialEvaluation.Run(Sequel(), model: null);

        // Members 1..9 have one event (the sixth) after five earlier ones.
        Assert.All(result.Methods, m => Assert.Equal(9, m.Ranks.Count));
        Assert.All(result.Methods, m => Assert.Equal(9, m.Members));
    }

    [Fact]
    public void Movies_outside_the_active_window_are_not_candidates()
    {
        var result = PrequentialEvaluation.Run(Sequel(), model: null);

        // Only movies 1..6 were active in the previous 30 days and the member has seen 1..5: movie 6 is alone.
        Assert.All(result.Methods.Single(m => m.Method == "recent-popularity").Ranks, rank => Assert.Equal(1, rank));
    }

    [Fact]
    public void The_models_calibration_covers_exactly_the_candidates_it_ranks_and_baselines_have_none()
    {
        var result = PrequentialEvaluation.Run(Sequel(), model: null);

        // Each of the 9 ranked events has one candidate, movie 6, and it is the movie attended.
        var calibration = result.Methods.Single(m => m.Method == "propensity-model").Calibration!;
        Assert.Equal(9, calibration.Count);
        Assert.Equal(9, calibration.Bins().Sum(b => b.Observed));
        Assert.All(result.Methods.Where(m => m.Method != "propensity-model"), m => Assert.Null(m.Calibration));
    }
}
