using System.Diagnostics;
using Insights.TestSupport;

namespace Insights.Fixtures.Cli;

/// <summary>
/// One run of the `insights` program (or, with <see cref="InsightsProcess.DevToolPath"/>, the developer tool) built beside the tests, as a new user starts it: its exit code, stdout, stderr
/// and how long it took. Runs isolated from the developer's local stack (<see cref="IsolatedEnvironment"/>): only the
/// configuration the test passes as environment variables (Section__Key) applies.
/// </summary>
public sealed record InsightsRun(int ExitCode, string Output, string Error, TimeSpan Elapsed)
{
    public static async Task<InsightsRun> StartAsync(IEnumerable<string> args, IReadOnlyDictionary<string, string>? environment = null, TimeSpan? timeout = null,
        string? program = null)
    {
        var info = IsolatedEnvironment.Apply(new ProcessStartInfo("dotnet", [program ?? InsightsProcess.ProgramPath, .. args]));
        foreach (var (key, value) in environment ?? new Dictionary<string, string>()) info.Environment[key] = value;
        var result = await CommandResult.RunAsync(info, timeout);
        return new InsightsRun(result.ExitCode, result.Output, result.Error, result.Elapsed);
    }

    public string[] ErrorLines => Error.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>A .NET stack trace frame ("   at Namespace.Type.Method(...)") or the runtime's unhandled-exception banner.</summary>
    public bool HasStackTrace => (Output + Error).Split('\n').Any(l => l.TrimStart().StartsWith("at ") && l.Contains('(')) || Error.Contains("Unhandled exception");

    public override string ToString() => $"exit {ExitCode} after {Elapsed.TotalSeconds:F1} s\nstdout:\n{Output}\nstderr:\n{Error}";
}
