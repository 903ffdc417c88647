namespace Insights.Sinks.Tests;

public sealed class ScoreChangeTests
{
    [Fact]
    public void Changes_collapse_to_each_members_final_state_in_first_seen_order()
    {
        var collapsed = ScoreChange.Collapse([
            ScoreChange.Of(ScoreUpdates.For(1, 2)), ScoreChange.Of(ScoreUpdates.For(1, 5)), ScoreChange.Of(ScoreUpdates.For(1, 3)),
            ScoreChange.Of(ScoreUpdates.For(2, 1)), ScoreChange.Delete(2),
            ScoreChange.Delete(3), ScoreChange.Of(ScoreUpdates.For(3, 1)),
        ]);

        Assert.Collection(collapsed,
            c => Assert.Equal((1L, 5L), (c.MemberId, c.Update!.Version)),
            c => Assert.True(c.MemberId == 2 && c.IsDelete),
            c => Assert.Equal((3L, 1L), (c.MemberId, c.Update!.Version)));
    }
}
