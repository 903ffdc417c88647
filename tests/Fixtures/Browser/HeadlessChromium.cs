using System.Diagnostics;
using Xunit.v3;

namespace Insights.Fixtures.Browser;

/// <summary>
/// Debian's `chromium` in headless mode, one process per page load: <see cref="DumpDomAsync"/> prints the DOM
/// after the page's scripts ran for a virtual-time budget, <see cref="ScreenshotAsync"/> saves a PNG,
/// <see cref="CaptureAsync"/> does both in one load. Each run gets its own throw-away profile folder, so runs
/// never share state or a profile lock. When no binary is found (stack/install installs it) the calling test
/// is skipped with that reason.
/// </summary>
public sealed class HeadlessChromium
{
    public const string BinaryVariable = "INSIGHTS_CHROMIUM";
    private static readonly TimeSpan RunTimeout = TimeSpan.FromSeconds(30);

    private readonly string binary;

    private HeadlessChromium(string binary) => this.binary = binary;

    /// <summary>The browser, or a skip naming what is missing.</summary>
    public static HeadlessChromium Require() => Find() is { } binary
        ? new HeadlessChromium(binary)
        : throw new InvalidOperationException(DynamicSkipToken.Value + (Environment.GetEnvironmentVariable(BinaryVariable) is { Length: > 0 } set
            ? $"${BinaryVariable} names {set}, which does not exist"
            : "no chromium binary on PATH: run stack/install, which installs Debian's chromium package"));

    private static string? Find()
    {
        if (Environment.GetEnvironmentVariable(BinaryVariable) is { Length: > 0 } set) return File.Exists(set) ? set : null;
        var path = Environment.GetEnvironmentVariable("PATH") ?? "";
        return path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .SelectMany(dir => new[] { Path.Combine(dir, "chromium"), Path.Combine(dir, "chromium-browser") })
            .FirstOrDefault(File.Exists);
    }

    /// <summary>
    /// The serialised DOM once the page has had <paramref name="virtualTimeMs"/> of (virtual) time to run its
    /// scripts, laid out in a <paramref name="width"/> x <paramref name="height"/> window (the size a screenshot uses,
    /// so element positions the page records match the screenshot's pixels).
    /// </summary>
    public async Task<string> DumpDomAsync(Uri url, int width, int height, int virtualTimeMs, CancellationToken ct)
    {
        var (stdout, _) = await RunAsync([$"--virtual-time-budget={virtualTimeMs}", $"--window-size={width},{height}",
            "--hide-scrollbars", "--dump-dom", url.AbsoluteUri], ct);
        return stdout;
    }

    /// <summary>A PNG of the page at <paramref name="width"/> x <paramref name="height"/> CSS pixels (device scale 1).</summary>
    public async Task<byte[]> ScreenshotAsync(Uri url, int width, int height, int virtualTimeMs, CancellationToken ct)
    {
        var file = Path.Combine(Path.GetTempPath(), $"insights-shot-{Guid.NewGuid():N}.png");
        try
        {
            var (_, stderr) = await RunAsync([$"--virtual-time-budget={virtualTimeMs}", $"--window-size={width},{height}",
                "--hide-scrollbars", $"--screenshot={file}", url.AbsoluteUri], ct);
            return await ReadScreenshotAsync(file, url, stderr, ct);
        }
        finally { File.Delete(file); }
    }

    /// <summary>
    /// The DOM and a PNG of one and the same load, for a page whose data keeps changing: two separate loads may
    /// show different data and a different layout, so element positions from one would not fit the other's pixels.
    /// </summary>
    public async Task<PageCapture> CaptureAsync(Uri url, int width, int height, int virtualTimeMs, CancellationToken ct)
    {
        var file = Path.Combine(Path.GetTempPath(), $"insights-shot-{Guid.NewGuid():N}.png");
        try
        {
            var (stdout, stderr) = await RunAsync([$"--virtual-time-budget={virtualTimeMs}", $"--window-size={width},{height}",
                "--hide-scrollbars", "--dump-dom", $"--screenshot={file}", url.AbsoluteUri], ct);
            return new PageCapture(stdout, await ReadScreenshotAsync(file, url, stderr, ct));
        }
        finally { File.Delete(file); }
    }

    private static async Task<byte[]> ReadScreenshotAsync(string file, Uri url, string stderr, CancellationToken ct) =>
        File.Exists(file) ? await File.ReadAllBytesAsync(file, ct)
            : throw new InvalidOperationException($"chromium wrote no screenshot of {url}: {Tail(stderr)}");

    private async Task<(string Stdout, string Stderr)> RunAsync(IReadOnlyList<string> arguments, CancellationToken ct)
    {
        var profile = Directory.CreateTempSubdirectory("insights-chromium-");
        var start = new ProcessStartInfo(binary)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in (string[])["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                     "--no-first-run", "--no-default-browser-check", "--disable-extensions", "--disable-background-networking",
                     "--force-device-scale-factor=1", $"--user-data-dir={profile.FullName}", .. arguments])
            start.ArgumentList.Add(argument);
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {binary}");
        var stdout = process.StandardOutput.ReadToEndAsync(ct);
        var stderr = process.StandardError.ReadToEndAsync(ct);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(RunTimeout);
        try { await process.WaitForExitAsync(timeout.Token); }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            process.Kill(entireProcessTree: true);
            var said = await stderr.WaitAsync(TimeSpan.FromSeconds(5), CancellationToken.None).ContinueWith(t => t.IsCompletedSuccessfully ? Tail(t.Result) : "");
            throw new TimeoutException($"chromium did not finish {Shown(arguments)} within {RunTimeout.TotalSeconds:F0} s; it printed: {said}");
        }
        finally
        {
            try { profile.Delete(recursive: true); } catch (IOException) { /* a crashpad helper may still hold a file; it is a temp folder */ }
        }
        var (output, errors) = (await stdout, await stderr);
        if (process.ExitCode != 0) throw new InvalidOperationException($"chromium exited with {process.ExitCode}: {Tail(errors)}");
        return (output, errors);
    }

    // A page's address may carry an API key in its fragment; messages name the page without it.
    private static string Shown(IEnumerable<string> arguments) => string.Join(' ', arguments.Select(a =>
        Uri.TryCreate(a, UriKind.Absolute, out var uri) && uri.Fragment.Length > 0 ? uri.GetLeftPart(UriPartial.Query) + "#..." : a));

    private static string Tail(string text) => text.Length <= 600 ? text.Trim() : text[^600..].Trim();
}
