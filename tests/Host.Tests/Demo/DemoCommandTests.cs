using Insights.Fixtures;

namespace Insights.Host.Tests.Demo;

/// <summary>
/// `insights demo` end to end against a private stack (about 1.5 minutes each: stack, seed, worker start-up,
/// the live phase, the ordered stop). The licensed dataset is read in place; without it or the built broker
/// the tests skip.
/// </summary>
public sealed class DemoCommandTests : IDisposable
{
    private static readonly TimeSpan ExitTimeout = TimeSpan.FromMinutes(3);
    private readonly string stackDir = Directory.CreateTempSubdirectory("insights-demo-stack-").FullName;
    private readonly Dictionary<string, string> environment;

    public DemoCommandTests() => environment = DemoRunProcess.PrivateStack(stackDir);

    [Fact]
    public async Task A_timed_demo_streams_events_changes_the_featured_audience_and_leaves_no_process_behind()
    {
        DemoRunProcess.SkipUnlessInstalled();
        using var demo = DemoRunProcess.Start(environment, "--duration", "45", "--no-dashboard", "--rate", "20");

        var exitCode = await demo.WaitForExitAsync(ExitTimeout);

        Assert.True(exitCode == 0, $"exit code {exitCode}; output:\n{demo.Output}");
        var summaries = demo.SummaryLines;
        Assert.True(summaries.Count >= 5, $"expected a summary line every 5 s; output:\n{demo.Output}");
        Assert.Contains(summaries, line => DemoRunProcess.EventsPerSecond(line) > 0);
        var audiences = summaries.Select(DemoRunProcess.Audience).Where(a => !a.StartsWith('(')).Distinct().ToList();
        Assert.True(audiences.Count >= 2, $"the featured movie's audience never changed; output:\n{demo.Output}");
        Assert.Contains("page: http://127.0.0.1:", demo.Output);
        Assert.Empty(DemoRunProcess.Survivors(stackDir));
    }

    [Fact]
    public async Task An_interrupted_demo_stops_every_child_and_a_rerun_starts_afresh()
    {
        DemoRunProcess.SkipUnlessInstalled();
        using (var first = DemoRunProcess.Start(environment, "--no-dashboard"))
        {
            await first.WaitForLineAsync(line => line.StartsWith("demo 00:", StringComparison.Ordinal), TimeSpan.FromMinutes(2));

            first.Interrupt();
            await first.WaitForExitAsync(ExitTimeout);

            Assert.Contains("demo: api: stopped", first.Output);
            Assert.Contains("demo: capture: stopped", first.Output);
            Assert.Contains("demo: stack stopped", first.Output);
            Assert.Empty(DemoRunProcess.Survivors(stackDir));
        }

        using var rerun = DemoRunProcess.Start(environment, "--duration", "15", "--no-dashboard");
        var exitCode = await rerun.WaitForExitAsync(ExitTimeout);

        Assert.True(exitCode == 0, $"exit code {exitCode}; output:\n{rerun.Output}");
        Assert.Contains("seeded the cinema database", rerun.Output);
        Assert.Contains(rerun.SummaryLines, line => DemoRunProcess.EventsPerSecond(line) > 0);
        Assert.Empty(DemoRunProcess.Survivors(stackDir));
    }

    public void Dispose()
    {
        // A failed run may leave its stack up: stop it the way a user would, then remove the folder.
        StackScript.RunAsync("down", [], environment).GetAwaiter().GetResult();
        try { Directory.Delete(stackDir, recursive: true); } catch (IOException) { }
    }
}
