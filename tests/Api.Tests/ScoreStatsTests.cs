using Insights.Api;

namespace Insights.Api.Tests;

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
        for (var i = 1; i <= 10; i++) stats.Record(nowMs - 10 * i, nowMs - 10 * i + i, live: true);
        clock.Advance(TimeSpan.FromSeconds(2));
        stats.Record(clock.GetUtcNow().ToUnixTimeMilliseconds() - 500, clock.GetUtcNow().ToUnixTimeMilliseconds() - 450, live: true);

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
    public void A_rescore_is_counted_but_leaves_the_live_latencies_as_they_were()
    {
        var clock = new ManualClock(Start);
        var stats = new ScoreStats(60, clock);
        var nowMs = Start.ToUnixTimeMilliseconds();
        for (var i = 1; i <= 4; i++) stats.Record(nowMs - 100 * i, nowMs - 10 * i, live: true);
        var before = stats.Read(1).Seconds[0];

        // A catalog rescore of a member whose last ticket is a day old.
        stats.Record(nowMs - 86_400_000, nowMs - 5, live: false);

        var after = stats.Read(1);
        Assert.Equal((before.ArrivalP50Ms, before.ArrivalP95Ms, before.ComputeP50Ms, before.ComputeP95Ms),
            (after.Seconds[0].ArrivalP50Ms, after.Seconds[0].ArrivalP95Ms, after.Seconds[0].ComputeP50Ms, after.Seconds[0].ComputeP95Ms));
        Assert.Equal((5L, 1L), (after.Seconds[0].Updates, after.Seconds[0].Rescores));
        Assert.Equal((5L, 1L), (after.TotalUpdates, after.TotalRescores));
    }

    [Fact]
    public void A_live_update_moves_the_live_latencies()
    {
        var clock = new ManualClock(Start);
        var stats = new ScoreStats(60, clock);
        var nowMs = Start.ToUnixTimeMilliseconds();
        stats.Record(nowMs - 100, nowMs - 90, live: true);
        var before = stats.Read(1).Seconds[0];

        stats.Record(nowMs - 3_000, nowMs - 2_000, live: true);

        var after = stats.Read(1).Seconds[0];
        Assert.Equal((100L, 10L), (before.ArrivalP95Ms!.Value, before.ComputeP95Ms!.Value));
        Assert.Equal((3_000L, 1_000L), (after.ArrivalP95Ms!.Value, after.ComputeP95Ms!.Value));
        Assert.Equal(0, after.Rescores);
    }

    [Fact]
    public void A_second_of_rescores_only_has_no_latency()
    {
        var clock = new ManualClock(Start);
        var stats = new ScoreStats(60, clock);
        stats.Record(Start.ToUnixTimeMilliseconds() - 60_000, Start.ToUnixTimeMilliseconds(), live: false);

        var second = stats.Read(1).Seconds[0];

        Assert.Equal((1L, 1L), (second.Updates, second.Rescores));
        Assert.Null(second.ArrivalP50Ms);
        Assert.Null(second.ComputeP50Ms);
    }

    [Fact]
    public void A_second_older_than_the_window_is_forgotten_when_its_slot_comes_round_again()
    {
        var clock = new ManualClock(Start);
        var stats = new ScoreStats(10, clock);
        stats.Record(Start.ToUnixTimeMilliseconds(), Start.ToUnixTimeMilliseconds(), live: true);
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
