using Insights.Api;

namespace Insights.Api.Tests;

public sealed class AudienceTrendTests
{
    private static readonly DateTimeOffset Start = new(2026, 12, 4, 9, 0, 0, TimeSpan.Zero);

    [Fact]
    public void A_window_reads_the_newest_sample_at_least_that_old()
    {
        var trend = new AudienceTrend(TimeSpan.FromDays(1));
        for (var minute = 0; minute <= 90; minute += 30) trend.Record(7, Start.AddMinutes(minute), expected: 10 + minute);

        var now = Start.AddMinutes(95);

        Assert.Equal(new TrendSample(Start.AddMinutes(30), 40), trend.Before(7, now, TimeSpan.FromMinutes(60)));
        Assert.Equal(new TrendSample(Start, 10), trend.Before(7, now, TimeSpan.FromMinutes(66)));
        Assert.Null(trend.Before(7, now, TimeSpan.FromMinutes(96)));
        Assert.Null(trend.Before(8, now, TimeSpan.FromMinutes(1)));
    }

    [Fact]
    public void Samples_older_than_it_keeps_are_dropped()
    {
        var trend = new AudienceTrend(TimeSpan.FromHours(2));
        trend.Record(7, Start, expected: 1);
        trend.Record(7, Start.AddHours(3), expected: 2);

        Assert.Null(trend.Before(7, Start.AddHours(3), TimeSpan.FromHours(2)));
        Assert.Equal(2, trend.Before(7, Start.AddHours(3), TimeSpan.Zero)?.Expected);
    }
}
