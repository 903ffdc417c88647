using System.Diagnostics;
using Insights.TestSupport;

namespace Insights.Fixtures;

/// <summary>Runs a script under stack/ with extra environment (a private INSIGHTS_STACK_DIR, ports...).</summary>
public static class StackScript
{
    public static Task<CommandResult> RunAsync(string script, IEnumerable<string> args,
        IReadOnlyDictionary<string, string> environment, CancellationToken ct = default)
    {
        var info = new ProcessStartInfo("bash", [Path.Combine(RepositoryPaths.Stack, script), .. args]);
        foreach (var (key, value) in environment) info.Environment[key] = value;
        // Bringing a part up can wait for a server to start; installing is stack/install's work, not a script's here.
        return CommandResult.RunAsync(info, TimeSpan.FromMinutes(5), ct);
    }
}
