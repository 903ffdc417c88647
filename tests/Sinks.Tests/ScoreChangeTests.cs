using Insights.TestSupport;
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

    [Fact]
    public void Of_equal_versions_the_later_change_is_kept()
    {
        var rescored = ScoreUpdates.For(1, 5, movies: 4);

        var collapsed = ScoreChange.Collapse([ScoreChange.Of(ScoreUpdates.For(1, 5)), ScoreChange.Of(rescored), ScoreChange.Of(ScoreUpdates.For(1, 4))]);

        Assert.Same(rescored, collapsed.Single().Update);
    }

    [Fact]
    public void A_collapsed_tombstone_remembers_the_highest_version_it_deleted()
    {
        var collapsed = ScoreChange.Collapse([
            ScoreChange.Of(ScoreUpdates.For(1, 7)), ScoreChange.Delete(1), ScoreChange.Of(ScoreUpdates.For(1, 2)), ScoreChange.Delete(1),
            ScoreChange.Delete(2),
            ScoreChange.Of(ScoreUpdates.For(3, 4)), ScoreChange.Delete(3) with { DeletedAfterVersion = 9 },
        ]);

        Assert.Equal([(1L, true, 7L), (2L, true, 0L), (3L, true, 9L)], collapsed.Select(c => (c.MemberId, c.IsDelete, c.DeletedAfterVersion)));
    }
}
