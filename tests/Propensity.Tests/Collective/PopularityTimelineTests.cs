using Insights.Propensity.Collective;

namespace Insights.Propensity.Tests.Collective;

public class PopularityTimelineTests
{
    [Fact]
    public void A_window_counts_the_days_in_its_range_only()
    {
        var timeline = new PopularityTimeline();
        foreach (var day in new[] { 10, 10, 12, 20, 29, 30 }) timeline.Add(day, 1, 1000);

        Assert.Equal(2, timeline.Window(30, 10)); // days 21..30
        Assert.Equal(3, timeline.Window(30, 11)); // days 20..30
        Assert.Equal(2, timeline.Window(29, 10)); // days 20..29
        Assert.Equal(2, timeline.Window(10, 7));
        Assert.Equal(0, timeline.Window(9, 7));
    }

    [Fact]
    public void A_late_or_negative_entry_corrects_later_totals()
    {
        var timeline = new PopularityTimeline();
        timeline.Add(10, 1, 1000);
        timeline.Add(20, 1, 1000);
        timeline.Add(15, 1, 1000);
        timeline.Add(20, -1, 1000);

        Assert.Equal(2, timeline.Window(20, 100));
        Assert.Equal(1, timeline.Window(20, 6)); // days 15..20: the late day 15 counts, day 20 cancelled out
    }

    [Fact]
    public void Trimming_old_days_keeps_recent_windows_exact()
    {
        var timeline = new PopularityTimeline();
        for (var day = 0; day < 100; day++) timeline.Add(day, 1, retentionDays: 30);

        Assert.True(timeline.Entries <= 32, $"{timeline.Entries} entries kept");
        Assert.Equal(7, timeline.Window(99, 7));
        Assert.Equal(30, timeline.Window(99, 30));
    }
}
