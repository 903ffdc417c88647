using Insights.Sinks.Api;

namespace Insights.Sinks.Tests.Api;

public sealed class ScoreStatsTests
{
    private static readonly DateTimeOffset Start = new(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Each_second_counts_its_updates_with_latency_percentiles_and_quiet_seconds_are_zero()
    {
        var clock = new ManualClock(Start);
        var stats = new ScoreStats(60, clock);
        var nowMs = Start.ToUnixTimeMilliseconds();
        // Arrival latencies 10..100 ms, compute latencies 1..10 ms.
        for (var i = 1; i <= 10; i++) stats.Record(nowMs - 10 * i, nowMs - 10 * i + i);
        clock.Advance(TimeSpan.FromSeconds(2));
        stats.Record(clock.GetUtcNow().ToUnixTimeMilliseconds() - 500, clock.GetUtcNow().ToUnixTimeMilliseconds() - 450);

        var read = stats.Read(3);

        Assert.Equal(3, read.Seconds.Count);
        Assert.Equal(11, read.TotalUpdates);
        Assert.Equal([10L, 0L, 1L], read.Seconds.Select(s => s.Updates));
        Assert.Equal(nowMs, read.Seconds[0].AtMs);
        Assert.Equal((50L, 100L, 5L, 10L), (read.Seconds[0].ArrivalP50Ms!.Value, read.Seconds[0].ArrivalP95Ms!.Value, read.Seconds[0].ComputeP50Ms!.Value, read.Seconds[0].ComputeP95Ms!.Value));
        Assert.Null(read.Seconds[1].ArrivalP50Ms);
        Assert.Equal((500L, 50L), (read.Seconds[2].ArrivalP50Ms!.Value, read.Seconds[2].ComputeP50Ms!.Value));
    }

    [Fact]
    public void A_second_older_than_the_window_is_forgotten_when_its_slot_comes_round_again()
    {
        var clock = new ManualClock(Start);
        var stats = new ScoreStats(10, clock);
        stats.Record(Start.ToUnixTimeMilliseconds(), Start.ToUnixTimeMilliseconds());
        clock.Advance(TimeSpan.FromSeconds(10));

        var read = stats.Read(10);

        Assert.All(read.Seconds, s => Assert.Equal(0, s.Updates));
        Assert.Equal(1, read.TotalUpdates);
    }

    [Fact]
    public void Asking_for_more_seconds_than_the_window_holds_names_the_limit()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new ScoreStats(10).Read(11));
        Assert.Contains("1..10", error.Message);
    }
}
