using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Insights.Fixtures;
using Insights.TestSupport;

namespace Insights.DevTool.Tests.Demo;

/// <summary>
/// `insights demo` run as a user runs it, against a private stack (own folder, own free ports), with its
/// output collected line by line. Every process the demo starts inherits INSIGHTS_STACK_DIR, so
/// <see cref="Survivors"/> finds anything it left behind.
/// </summary>
public sealed partial class DemoRunProcess : IDisposable
{
    private readonly Process process;
    private readonly List<string> lines = [];
    private readonly Lock gate = new();

    private DemoRunProcess(Process process)
    {
        this.process = process;
        process.OutputDataReceived += (_, e) => { if (e.Data is { } line) lock (gate) lines.Add(line); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is { } line) lock (gate) lines.Add(line); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public static string BrokerDll => Path.Combine(RepositoryPaths.Root, ".build", "broker", "insights-broker.dll");
    public static string Dataset => Path.Combine(RepositoryPaths.SharedData, "ml-100k");

    /// <summary>Skips the test when what the local stack needs is not installed here.</summary>
    public static void SkipUnlessInstalled()
    {
        if (!File.Exists(BrokerDll)) Assert.Skip($"the broker is not built ({BrokerDll}): run stack/install");
        if (!Directory.Exists(Dataset)) Assert.Skip($"the dataset {Dataset} is not here");
    }

    /// <summary>Ports for one private stack: every part on a free port, so a developer's running stack is untouched.</summary>
    public static Dictionary<string, string> PrivateStack(string stackDir) => new()
    {
        ["INSIGHTS_STACK_DIR"] = stackDir,
        ["INSIGHTS_MARIADB_PORT"] = LoopbackPort.Next().ToString(CultureInfo.InvariantCulture),
        ["INSIGHTS_KAFKA_PORT"] = LoopbackPort.Next().ToString(CultureInfo.InvariantCulture),
        ["INSIGHTS_S3_PORT"] = LoopbackPort.Next().ToString(CultureInfo.InvariantCulture),
        ["INSIGHTS_HOME"] = RepositoryPaths.Root,
    };

    public static DemoRunProcess Start(IReadOnlyDictionary<string, string> environment, params string[] arguments)
    {
        var info = new ProcessStartInfo("dotnet", [InsightsProcess.DevToolPath, "demo", "--dataset", Dataset, .. arguments])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = RepositoryPaths.Root,
        };
        foreach (var (key, value) in environment) info.Environment[key] = value;
        return new DemoRunProcess(Process.Start(info)!);
    }

    public IReadOnlyList<string> Lines { get { lock (gate) return [.. lines]; } }

    public string Output => string.Join('\n', Lines);

    /// <summary>The periodic summary lines (`demo hh:mm:ss events/s ...`).</summary>
    public IReadOnlyList<string> SummaryLines => [.. Lines.Where(l => SummaryPattern().IsMatch(l))];

    public static double EventsPerSecond(string summary) => double.Parse(EventsPattern().Match(summary).Groups[1].Value, CultureInfo.InvariantCulture);

    public static string Audience(string summary) => AudiencePattern().Match(summary).Groups[1].Value;

    public int Id => process.Id;

    /// <summary>True once the live replay has ended (the final summary is printed) or the demo has exited.</summary>
    public bool LivePhaseOver => process.HasExited || Lines.Any(l => l.StartsWith("demo: replayed ", StringComparison.Ordinal));

    /// <summary>The page's address, the featured movie and the API key from the file the demo names (never the console).</summary>
    public async Task<(Uri Page, int Movie, string ApiKey)> WaitForPageAsync(TimeSpan timeout)
    {
        await WaitForLineAsync(line => PagePattern().IsMatch(line), timeout);
        var match = Lines.Select(line => PagePattern().Match(line)).First(m => m.Success);
        var keyFile = match.Groups[2].Value;
        if (OperatingSystem.IsWindows()) throw new PlatformNotSupportedException("the demo's stack runs on Linux");
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(keyFile));
        var key = (await File.ReadAllTextAsync(keyFile)).Trim();
        Assert.DoesNotContain(key, Output);
        return (new Uri(match.Groups[1].Value), int.Parse(match.Groups[3].Value, CultureInfo.InvariantCulture), key);
    }

    /// <summary>The last <paramref name="count"/> lines, for failure messages.</summary>
    public string Tail(int count) => string.Join('\n', Lines.TakeLast(count));

    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var limit = new CancellationTokenSource(timeout);
        try { await process.WaitForExitAsync(limit.Token); }
        catch (OperationCanceledException) { throw new TimeoutException($"the demo did not exit within {timeout}; output:\n{Output}"); }
        process.WaitForExit(); // drains the asynchronous output readers
        return process.ExitCode;
    }

    public async Task WaitForLineAsync(Func<string, bool> match, TimeSpan timeout)
    {
        await Poll.UntilAsync(() => Lines.Any(match) || (process.HasExited
                ? throw new InvalidOperationException($"the demo exited (code {process.ExitCode}) before the expected line; output:\n{Output}")
                : false),
            () => $"the expected line; output:\n{Output}", timeout, CancellationToken.None, TimeSpan.FromMilliseconds(250));
    }

    public void Interrupt() => Process.Start("kill", ["-INT", process.Id.ToString(CultureInfo.InvariantCulture)])!.WaitForExit();

    /// <summary>Processes (other than the stack parts' own, stopped first by the caller) still carrying this stack folder in their environment.</summary>
    public static IReadOnlyList<string> Survivors(string stackDir)
    {
        var marker = $"INSIGHTS_STACK_DIR={stackDir}";
        var found = new List<string>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid) || pid == Environment.ProcessId) continue;
            try
            {
                if (File.ReadAllText(Path.Combine(dir, "environ")).Split('\0').Contains(marker))
                    found.Add($"{pid}: {File.ReadAllText(Path.Combine(dir, "cmdline")).Replace('\0', ' ')}");
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { } // gone meanwhile, or not ours to read
        }
        return found;
    }

    public void Dispose()
    {
        if (!process.HasExited) process.Kill(entireProcessTree: true);
        process.Dispose();
    }

    [GeneratedRegex(@"^demo \d\d:\d\d:\d\d events/s ")]
    private static partial Regex SummaryPattern();

    [GeneratedRegex(@"events/s (\d+(?:\.\d+)?)")]
    private static partial Regex EventsPattern();

    [GeneratedRegex(@" audience (.*) roles ")]
    private static partial Regex AudiencePattern();

    [GeneratedRegex(@"^demo: page: (http://\S+) \(sign in with the key in (\S+)\)\s+featured movie: .* \(#(\d+)\)$")]
    private static partial Regex PagePattern();
}
