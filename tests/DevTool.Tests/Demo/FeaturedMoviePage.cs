using Insights.Fixtures.Browser;
using Insights.TestSupport;

namespace Insights.DevTool.Tests.Demo;

/// <summary>
/// The running demo's page for its featured movie, loaded in headless Chromium as a visitor would open it:
/// each load is a fresh browser whose DOM and screenshot are taken at the same moment.
/// </summary>
public sealed class FeaturedMoviePage(HeadlessChromium browser, Uri url, DemoRunProcess demo)
{
    public const int Width = 1320, Height = 1100;

    // The page's first refresh and one timed refresh (every 2 s) fit in this budget.
    private const int VirtualTimeMs = 3000;
    private static readonly TimeSpan Pause = TimeSpan.FromSeconds(2);

    public Uri Url => url;

    /// <summary>
    /// Loads the page until <paramref name="wanted"/> holds, the demo's live phase is over or
    /// <paramref name="timeout"/> has passed, and returns the last load either way (the caller asserts on it).
    /// A load whose browser hangs (headless Chromium now and then never ends a run) counts as a load that did not
    /// show the wanted page: the next load is a fresh browser.
    /// </summary>
    public async Task<ExplorerPage> LoadUntilAsync(Func<ExplorerPage, bool> wanted, TimeSpan timeout, CancellationToken ct)
    {
        ExplorerPage? page = null;
        TimeoutException? hung = null;
        try
        {
            await Poll.UntilAsync(async () =>
            {
                var wasLive = !demo.LivePhaseOver;
                try { page = new ExplorerPage(await browser.CaptureAsync(url, Width, Height, VirtualTimeMs, ct)); }
                catch (TimeoutException e)
                {
                    hung = e;
                    TestContext.Current.TestOutputHelper?.WriteLine($"a load of {url.GetLeftPart(UriPartial.Query)} hung; loading again: {e.Message}");
                    return !wasLive && page is not null;
                }
                return wanted(page) || !wasLive;
            }, () => "the wanted page", timeout, ct, Pause);
        }
        catch (WaitTimedOut) { } // the caller asserts on the last page loaded
        return page ?? throw new InvalidOperationException("no load of the page finished", hung);
    }
}
