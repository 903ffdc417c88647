using Insights.Api;

namespace Insights.Api.Tests;

/// <summary>Campaign sizing reads scores as probabilities: a segment's expected attendance is their sum.</summary>
public sealed class CampaignSizeTests
{
    // Best first, as the sources hand the audience over.
    private static readonly (double Score, string? AgeBand, string? Gender)[] Audience =
    [
        (0.9, "25-34", "F"), (0.6, "25-34", "M"), (0.3, "35-44", "F"), (0.1, "35-44", "M"), (0.1, null, "F"),
    ];

    [Fact]
    public void The_best_members_expected_attendance_share_and_lift_follow_from_their_probabilities()
    {
        var size = CampaignSize.Of(7, 2, Audience);

        Assert.Equal((7, 2, 5), (size.MovieId, size.Members, size.AudienceSize));
        Assert.Equal(1.5, size.ExpectedAttendance, 12);
        Assert.Equal(2.0, size.ExpectedTotal, 12);
        Assert.Equal(0.75, size.Share, 12);
        // Random targeting of 2 members brings 2 x 0.4 = 0.8 on average: the best two bring 1.5 / 0.8.
        Assert.Equal(1.875, size.Lift, 12);
        Assert.Equal(new Dictionary<string, int> { ["25-34"] = 2 }, size.AgeBands);
        Assert.Equal(new Dictionary<string, int> { ["F"] = 1, ["M"] = 1 }, size.Genders);
    }

    [Fact]
    public void The_curve_rises_to_the_whole_audience_where_the_lift_is_one()
    {
        var size = CampaignSize.Of(7, 2, Audience);

        Assert.Equal([1, 2, 3, 4, 5], size.Curve.Select(p => p.Members));
        Assert.Equal([0.9, 1.5, 1.8, 1.9, 2.0], size.Curve.Select(p => Math.Round(p.ExpectedAttendance, 12)));
        Assert.Equal(1.0, size.Curve[^1].Lift, 12);
        Assert.True(size.Curve.Zip(size.Curve.Skip(1)).All(p => p.First.Lift >= p.Second.Lift), "a best-first audience's lift falls as the segment grows");
    }

    [Fact]
    public void A_segment_larger_than_the_audience_is_the_whole_audience_and_an_empty_one_brings_nothing()
    {
        var all = CampaignSize.Of(7, 100, Audience);
        var none = CampaignSize.Of(7, 10, []);

        Assert.Equal((5, 1.0, 1.0), (all.Members, all.Share, Math.Round(all.Lift, 12)));
        Assert.Equal((0, 0.0, 0.0, 0), (none.Members, none.ExpectedAttendance, none.Lift, none.Curve.Count));
    }

    [Fact]
    public void The_curve_has_at_most_twenty_points_ending_at_the_whole_audience()
    {
        var large = Enumerable.Range(0, 1_000).Select(i => (1.0 - i / 1_000.0, (string?)null, (string?)null)).ToList();

        var size = CampaignSize.Of(7, 100, large);

        Assert.Equal(CampaignSize.CurvePoints, size.Curve.Count);
        Assert.Equal(1_000, size.Curve[^1].Members);
        Assert.Equal(large.Sum(m => m.Item1), size.Curve[^1].ExpectedAttendance, 9);
    }
}
