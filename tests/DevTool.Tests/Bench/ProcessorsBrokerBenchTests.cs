using System.Text.Json;
using Insights.Fixtures.Cli;
using Insights.TestSupport;

namespace Insights.DevTool.Tests.Bench;

/// <summary>
/// `bench processors --broker` end to end at a toy size (about a minute): it finishes, and its JSON holds every figure as a
/// number that can be. The run itself fails on a trimmed partition or a movie whose published count is not its tickets.
/// </summary>
public sealed class ProcessorsBrokerBenchTests
{
    [Fact]
    public async Task A_small_run_reports_every_figure_and_no_impossible_one()
    {
        var run = await InsightsRun.StartAsync(["bench", "processors", "--broker", "--workers", "1", "--runs", "1", "--tickets", "3000", "--warmup", "2000",
            "--latency-tickets", "200", "--members", "500", "--movies", "40", "--partitions", "2", "--json"],
            timeout: TimeSpan.FromMinutes(8), program: InsightsProcess.DevToolPath);

        Assert.True(run.ExitCode == 0, run.ToString());
        using var json = JsonDocument.Parse(run.Output);
        var figures = json.RootElement.GetProperty("figures").EnumerateArray()
            .ToDictionary(f => f.GetProperty("key").GetString()!, f => f.GetProperty("median").GetDouble());
        foreach (var key in new[] { "ratio.workers_1_to_baseline", "latency.p99_ms", "restore.seconds_to_tasks_restored", "restore.compacted_seconds_to_tasks_restored",
            "workers_1.minor_faults_per_1000_events", "workers_1.jit_cpu_seconds", "workers_1.allocated_kib_per_event", "workers_1.gc_pause_seconds",
            "baseline.allocated_kib_per_event" })
            Assert.Contains(key, figures.Keys);
        // CPU, JIT, faults, times and counts are never negative (a JIT thread that ended once made its figure so).
        Assert.All(figures, figure => Assert.True(double.IsFinite(figure.Value) && figure.Value >= 0, $"{figure.Key} = {figure.Value}"));
        Assert.True(figures["workers_1.minor_faults_per_1000_events"] > 0);
        // A worker allocates for every event it reads, and more than the bare count does with the same tickets.
        Assert.True(figures["workers_1.allocated_kib_per_event"] > figures["baseline.allocated_kib_per_event"]);
        Assert.True(figures["baseline.allocated_kib_per_event"] > 0);
        // Compaction keeps at most the newest record per key: the compacted copies hold fewer records than were written.
        Assert.InRange(figures["restore.compacted_changelog_records"], 1, figures["restore.changelog_records"]);
        Assert.Equal(0, json.RootElement.GetProperty("workload").GetProperty("partitions_trimmed").GetInt32());
    }
}
