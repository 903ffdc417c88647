using Insights.Evaluation.Metrics;

namespace Insights.Evaluation.Tests.Metrics;

public class AudienceLiftTests
{
    private static List<(float, bool)> Members(int count, Func<int, float> score, params int[] testMembers) =>
        Enumerable.Range(0, count).Select(i => (score(i), testMembers.Contains(i))).ToList();

    [Fact]
    public void Test_members_all_in_the_top_tenth_give_a_lift_of_ten()
    {
        var members = Members(40, i => 40 - i, 0, 1, 2, 3);

        Assert.Equal(10, AudienceLift.ForMovie(members, new Random(1)), 9);
    }

    [Fact]
    public void Half_the_test_members_in_the_top_tenth_give_a_lift_of_five()
    {
        var members = Members(40, i => 40 - i, 0, 1, 30, 31);

        Assert.Equal(5, AudienceLift.ForMovie(members, new Random(1)), 9);
    }

    [Fact]
    public void Test_members_ranked_last_give_no_lift()
    {
        var members = Members(40, i => 40 - i, 36, 37, 38, 39);

        Assert.Equal(0, AudienceLift.ForMovie(members, new Random(1)));
    }

    [Fact]
    public void Equal_scores_are_ordered_at_random_so_the_lift_averages_one()
    {
        var members = Members(100, _ => 1f, 3, 14, 15, 92, 65);
        var random = new Random(7);

        var mean = Enumerable.Range(0, 2000).Average(_ => AudienceLift.ForMovie(members, random));

        Assert.Equal(1.0, mean, 0.1);
    }
}
