using System.Diagnostics;

namespace Insights.Fixtures.Cli;

/// <summary>
/// One run of the `insights` program (or, with <see cref="DevToolProgram"/>, the developer tool) built beside the tests, as a new user starts it: its exit code, stdout, stderr
/// and how long it took. Runs isolated from the developer's local stack: no .stack endpoint files, and only the
/// configuration the test passes as environment variables (Section__Key).
/// </summary>
public sealed record InsightsRun(int ExitCode, string Output, string Error, TimeSpan Elapsed)
{
    public static string ProgramPath => Path.Combine(AppContext.BaseDirectory, "insights.dll");

    /// <summary>The developer tool (src/DevTool), which `./insights` runs for the developer's verbs.</summary>
    public static string DevToolProgram => Path.Combine(AppContext.BaseDirectory, "insights-dev.dll");

    /// <summary>A stack directory with no endpoint files, so nothing but the test's settings is configured.</summary>
    private static readonly string EmptyStackDir = Directory.CreateTempSubdirectory("insights-cli-nostack-").FullName;

    public static async Task<InsightsRun> StartAsync(IEnumerable<string> args, IReadOnlyDictionary<string, string>? environment = null, TimeSpan? timeout = null,
        string? program = null)
    {
        var info = new ProcessStartInfo("dotnet", [program ?? ProgramPath, .. args])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        // Settings the developer's shell may carry must not leak into what the test sees.
        foreach (var key in info.Environment.Keys.Where(k => k.Contains("__") || k.StartsWith("INSIGHTS_") || k.StartsWith("AWS_")).ToList())
            info.Environment.Remove(key);
        info.Environment["INSIGHTS_STACK_DIR"] = EmptyStackDir;
        foreach (var (key, value) in environment ?? new Dictionary<string, string>()) info.Environment[key] = value;
        var clock = Stopwatch.StartNew();
        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        try { await process.WaitForExitAsync().WaitAsync(timeout ?? TimeSpan.FromSeconds(60)); }
        catch (TimeoutException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"insights {string.Join(' ', args)} did not end within {timeout ?? TimeSpan.FromSeconds(60)}");
        }
        return new InsightsRun(process.ExitCode, await output, await error, clock.Elapsed);
    }

    public string[] ErrorLines => Error.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>A .NET stack trace frame ("   at Namespace.Type.Method(...)") or the runtime's unhandled-exception banner.</summary>
    public bool HasStackTrace => (Output + Error).Split('\n').Any(l => l.TrimStart().StartsWith("at ") && l.Contains('(')) || Error.Contains("Unhandled exception");

    public override string ToString() => $"exit {ExitCode} after {Elapsed.TotalSeconds:F1} s\nstdout:\n{Output}\nstderr:\n{Error}";
}
