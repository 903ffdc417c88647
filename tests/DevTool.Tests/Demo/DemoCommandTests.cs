using Insights.Fixtures;
using Insights.Fixtures.Browser;
using SkiaSharp;

namespace Insights.DevTool.Tests.Demo;

/// <summary>
/// `insights demo` end to end against a private stack (about 1.5 minutes each: stack, seed, worker start-up,
/// the live phase, the ordered stop). The licensed dataset is read in place; without it, the built broker or
/// chromium (for the page) the tests skip.
/// </summary>
[Collection(AloneUnderLoad.Name), Trait(AloneUnderLoad.Trait, AloneUnderLoad.Value)]
public sealed class DemoCommandTests : IDisposable
{
    private static readonly TimeSpan ExitTimeout = TimeSpan.FromMinutes(3);
    private static readonly TimeSpan PageTimeout = TimeSpan.FromMinutes(2);
    // Colours page.css reserves: histogram bars, throughput bars, the computed-latency line and points.
    private static readonly SKColor HistogramBar = SKColor.Parse("#e8590c");
    private static readonly SKColor ThroughputBar = SKColor.Parse("#1c7ed6");
    private static readonly SKColor ComputedLatency = SKColor.Parse("#7048e8");
    private readonly string stackDir = Directory.CreateTempSubdirectory("insights-demo-stack-").FullName;
    private readonly Dictionary<string, string> environment;

    public DemoCommandTests() => environment = DemoRunProcess.PrivateStack(stackDir);

    [Fact]
    public async Task A_timed_demo_streams_events_its_page_shows_the_featured_audience_changing_and_it_leaves_no_process_behind()
    {
        DemoRunProcess.SkipUnlessInstalled();
        var browser = HeadlessChromium.Require();
        using var demo = DemoRunProcess.Start(environment, "--duration", "60", "--no-dashboard", "--rate", "20");

        // While tickets stream in, a visitor opens the featured movie's page, and opens it again later.
        var (address, movie, key) = await demo.WaitForPageAsync(PageTimeout);
        // The visitor follows a link that hands the page the demo's key.
        var page = new FeaturedMoviePage(browser, new Uri(address, $"?movie={movie}#key={key}"), demo);
        var first = await page.LoadUntilAsync(p => p.Audience.Count > 0, PageTimeout, Ct);
        var later = await page.LoadUntilAsync(p => p.Audience.Count > 0 && !p.Audience.SequenceEqual(first.Audience), PageTimeout, Ct);
        // Kept after the run (unlike the stack folder), so the last screenshot can be looked at.
        var screenshot = Path.Combine(Directory.CreateTempSubdirectory("insights-demo-page-").FullName, "featured-movie-page.png");
        await File.WriteAllBytesAsync(screenshot, later.Screenshot, Ct);
        TestContext.Current.TestOutputHelper?.WriteLine($"{new Uri(address, $"?movie={movie}")}\nfirst load: {first.AudienceText}\nlater load: {later.AudienceText}\nlast screenshot: {screenshot}");

        var exitCode = await demo.WaitForExitAsync(ExitTimeout);

        Assert.True(exitCode == 0, $"exit code {exitCode}; output:\n{demo.Output}");
        var summaries = demo.SummaryLines;
        Assert.True(summaries.Count >= 5, $"expected a summary line every 5 s; output:\n{demo.Output}");
        Assert.Contains(summaries, line => DemoRunProcess.EventsPerSecond(line) > 0);
        var audiences = summaries.Select(DemoRunProcess.Audience).Where(a => !a.StartsWith('(')).Distinct().ToList();
        Assert.True(audiences.Count >= 2, $"the featured movie's audience never changed; output:\n{demo.Output}");
        Assert.Empty(DemoRunProcess.Survivors(stackDir));

        foreach (var load in (ExplorerPage[])[first, later])
        {
            Assert.False(load.StatusIsError, $"the page shows an error: {load.Status}");
            Assert.Equal(movie, load.Movie);
            Assert.InRange(load.Audience.Count, 1, 20);
            Assert.True(load.Audience.Zip(load.Audience.Skip(1)).All(p => p.First.Score >= p.Second.Score), $"the audience is not ordered by score: {load.AudienceText}");
        }
        Assert.False(first.Audience.SequenceEqual(later.Audience), $"the page showed the same audience before and after tickets streamed in: {later.AudienceText}; the demo's last lines:\n{demo.Tail(8)}");
        AssertChartsDrawn(later);
    }

    /// <summary>The histogram and both live charts are in the DOM and, by their reserved colours, in the screenshot where the DOM puts them.</summary>
    private static void AssertChartsDrawn(ExplorerPage page)
    {
        Assert.Equal(20, page.HistogramBars.Count);
        Assert.True(page.HistogramMembers > 0, "the histogram counts no members");
        Assert.Equal(page.HistogramMembers, page.HistogramBars.Sum());
        Assert.True(page.UpdatesTotal > 0, "the throughput chart counts no score updates");
        Assert.True(page.ThroughputBars > 0, "the throughput chart has no bars");
        Assert.True(page.LatencyPoints > 0, "the latency chart has no points");

        using var image = SKBitmap.Decode(page.Screenshot);
        Assert.Equal((FeaturedMoviePage.Width, FeaturedMoviePage.Height), (image.Width, image.Height));
        var histogram = page.Box("histogram");
        var (inside, outside) = ScreenshotColours.Count(image, HistogramBar, histogram);
        // The tallest bar always spans the plot's full height: about 23 x 208 pixels.
        Assert.True(inside > 2000, $"expected the histogram's bars inside {histogram}, found {inside} pixels of their colour");
        Assert.Equal(0, outside);
        Assert.True(ScreenshotColours.Count(image, ThroughputBar, page.Box("throughput")).Inside > 0, "expected throughput bars in the screenshot");
        Assert.True(ScreenshotColours.Count(image, ComputedLatency, page.Box("latency")).Inside > 0, "expected latency points in the screenshot");
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

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose()
    {
        // A failed run may leave its stack up: stop it the way a user would, then remove the folder.
        StackScript.RunAsync("down", [], environment).GetAwaiter().GetResult();
        try { Directory.Delete(stackDir, recursive: true); } catch (IOException) { }
    }
}
