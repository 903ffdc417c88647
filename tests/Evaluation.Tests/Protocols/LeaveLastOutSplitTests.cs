using Insights.Evaluation.Data;
using Insights.Evaluation.Protocols;

namespace Insights.Evaluation.Tests.Protocols;

public class LeaveLastOutSplitTests
{
    private static readonly Attendance[] Events =
    [
        new(1, 5, 100), new(2, 7, 50), new(1, 3, 300), new(1, 9, 300), new(2, 8, 60), new(2, 1, 70),
    ];

    [Fact]
    public void The_last_event_by_time_then_movie_id_is_held_out()
    {
        var split = LeaveLastOutSplit.Of(Events);

        Assert.Equal(new Attendance(1, 9, 300), split.HeldOut[1]); // ties on time go by movie id
        Assert.Equal(new Attendance(2, 1, 70), split.HeldOut[2]);
        Assert.Equal([5, 3], split.Histories[1]);
        Assert.Equal([7, 8], split.Histories[2]);
    }

    [Fact]
    public void Training_is_in_global_time_order_and_never_holds_a_test_event()
    {
        var split = LeaveLastOutSplit.Of(Events);

        Assert.Equal([50L, 60, 100, 300], split.Train.Select(a => a.AtSeconds));
        Assert.DoesNotContain(split.HeldOut[1], split.Train);
        Assert.DoesNotContain(split.HeldOut[2], split.Train);
        Assert.Equal([3, 5, 7, 8], split.TrainMovies);
    }

    [Fact]
    public void Splitting_the_training_data_again_holds_out_the_second_to_last_event()
    {
        var validation = LeaveLastOutSplit.Of(LeaveLastOutSplit.Of(Events).Train);

        Assert.Equal(new Attendance(1, 3, 300), validation.HeldOut[1]);
        Assert.Equal(new Attendance(2, 8, 60), validation.HeldOut[2]);
    }

    [Fact]
    public void Candidates_are_training_movies_plus_the_target_minus_the_members_own()
    {
        var split = LeaveLastOutSplit.Of(Events);

        var (candidates, target) = new LloCandidates(split).For(1, 9);

        Assert.Equal([7, 8, 9], candidates);
        Assert.Equal(9, candidates[target]);
    }
}
