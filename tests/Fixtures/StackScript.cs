using System.Diagnostics;
using Insights.TestSupport;

namespace Insights.Fixtures;

/// <summary>What a stack script printed and how it exited.</summary>
public sealed record ScriptResult(int ExitCode, string StandardOutput, string StandardError);

/// <summary>Runs a script under stack/ with extra environment (a private INSIGHTS_STACK_DIR, ports...).</summary>
public static class StackScript
{
    public static async Task<ScriptResult> RunAsync(string script, IEnumerable<string> args,
        IReadOnlyDictionary<string, string> environment, CancellationToken ct = default)
    {
        var info = new ProcessStartInfo("bash", [Path.Combine(RepositoryPaths.Stack, script), .. args])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var (key, value) in environment) info.Environment[key] = value;
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync(ct);
        var stderr = process.StandardError.ReadToEndAsync(ct);
        await process.WaitForExitAsync(ct);
        return new ScriptResult(process.ExitCode, await stdout, await stderr);
    }
}
