using Insights.Evaluation.Data;
using Insights.Evaluation.Protocols;

namespace Insights.Evaluation.Tests.Protocols;

public class ColdStartSubsetsTests
{
    private const long Day = 86_400;

    private static HashSet<int> MembersIn(TestSubset subset, int[] members) => [.. subset.Cases.Select(c => members[c])];

    private static (LeaveLastOutSplit Split, int[] Members, IReadOnlyList<TestSubset> Subsets) Subsets(IEnumerable<Attendance> events)
    {
        var split = LeaveLastOutSplit.Of([.. events]);
        var members = split.HeldOut.Keys.Order().ToArray();
        return (split, members, ColdStartSubsets.Of(split, members));
    }

    /// <summary>
    /// Members 101-112 see movie 7 on days 10-21 and hold out movie 8 on day 300; member 1 holds out movie 7 on day 15
    /// (5 earlier attendances), member 2 on day 100 (12 earlier); movie 8 has one training attendance (member 1's).
    /// </summary>
    private static IEnumerable<Attendance> MovieSevenAndEight()
    {
        for (var k = 0; k < 12; k++)
        {
            yield return new(101 + k, 7, (10 + k) * Day);
            yield return new(101 + k, 8, 300 * Day + k);
        }
        yield return new(1, 8, 1 * Day);
        yield return new(1, 7, 15 * Day);
        yield return new(2, 9, 1 * Day);
        yield return new(2, 7, 100 * Day);
    }

    [Fact]
    public void Earlier_attendances_are_the_training_ones_before_the_test_events_time()
    {
        var (_, members, subsets) = Subsets(MovieSevenAndEight());
        var fewerThan10 = MembersIn(subsets[0], members);

        Assert.Equal("movie with fewer than 10 earlier attendances", subsets[0].Name);
        Assert.Contains(1, fewerThan10); // 5 of movie 7's 12 training attendances come before day 15
        Assert.DoesNotContain(2, fewerThan10); // all 12 come before day 100
        // Movie 8's other test events are not training data: each of members 101-112 finds 1 earlier attendance, not up to 12.
        Assert.Subset(fewerThan10, Enumerable.Range(101, 12).ToHashSet());
    }

    [Fact]
    public void The_fifty_limit_holds_every_event_the_ten_limit_holds()
    {
        var (_, members, subsets) = Subsets(MovieSevenAndEight());

        Assert.Equal("movie with fewer than 50 earlier attendances", subsets[1].Name);
        Assert.Equal(members.ToHashSet(), MembersIn(subsets[1], members));
        Assert.Superset(MembersIn(subsets[0], members), MembersIn(subsets[1], members));
    }

    [Fact]
    public void Coming_soon_are_the_test_events_whose_movie_was_first_attended_in_the_datas_last_30_days()
    {
        // The data ends on day 100, so the last 30 days start on day 70.
        var (_, members, subsets) = Subsets(
        [
            new(1, 1, 0), new(1, 2, 100 * Day), // movie 2 was first attended on day 75, by member 2
            new(2, 2, 75 * Day), new(2, 1, 80 * Day), // movie 1 was first attended on day 0
            new(3, 1, 10 * Day), new(3, 3, 60 * Day), // movie 3 first and only on day 60: 40 days before the end
            new(4, 1, 20 * Day), new(4, 4, 90 * Day), // movie 4 first attended by this very test event
        ]);
        var comingSoon = subsets.Single(s => s.Name.StartsWith("coming soon", StringComparison.Ordinal));

        Assert.Equal("coming soon: movie first attended in the last 30 days", comingSoon.Name);
        Assert.Equal([1, 4], MembersIn(comingSoon, members).Order());
    }

    [Fact]
    public void A_subsets_ranks_are_the_methods_ranks_at_its_cases()
    {
        var method = new MethodResult("m", 4, [3, 1, 40, 7], null);

        Assert.Equal([1, 7], new TestSubset("s", [1, 3]).RanksOf(method));
    }
}
