using System.Diagnostics;
using Insights.Host;

namespace Insights.DevTool.Commands;

/// <summary>Runs one of the stack scripts at the repository root, passing its output through.</summary>
internal static class StackScript
{
    public static async Task<int> RunAsync(string verb, CancellationToken ct)
    {
        var root = RepositoryRoot.Find();
        var script = Path.Combine(root, "stack", verb);
        using var process = Process.Start(new ProcessStartInfo("bash", [script]) { WorkingDirectory = root })!;
        await process.WaitForExitAsync(ct);
        return process.ExitCode;
    }
}
