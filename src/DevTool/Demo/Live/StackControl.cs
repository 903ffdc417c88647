using System.Diagnostics;
using Insights.Contracts;

namespace Insights.DevTool.Demo.Live;

/// <summary>
/// Runs stack/up and stack/down for some parts, their output appended to the layout's stack.log. The scripts take the
/// stack folder and ports from the environment: <paramref name="environment"/> adds to it (a private stack of its own).
/// </summary>
public sealed class StackControl(DemoLayout layout, IReadOnlyDictionary<string, string>? environment = null)
{
    private string Log => Path.Combine(layout.Logs, "stack.log");

    public Task UpAsync(CancellationToken ct, params string[] parts) => RunAsync("up", parts, ct);

    public Task DownAsync(CancellationToken ct, params string[] parts) => RunAsync("down", parts, ct);

    private async Task RunAsync(string verb, string[] parts, CancellationToken ct)
    {
        Directory.CreateDirectory(layout.Logs);
        var info = new ProcessStartInfo("bash", [Path.Combine(layout.Repository, "stack", verb), .. parts])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = layout.Repository,
        };
        foreach (var (key, value) in environment ?? new Dictionary<string, string>()) info.Environment[key] = value;
        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
        var errors = process.StandardError.ReadToEndAsync(CancellationToken.None);
        await process.WaitForExitAsync(ct);
        var text = await output + await errors;
        await File.AppendAllTextAsync(Log, $"$ stack/{verb} {string.Join(' ', parts)}\n{text}", CancellationToken.None);
        if (process.ExitCode != 0)
        {
            var reason = text.Split('\n', StringSplitOptions.RemoveEmptyEntries).LastOrDefault() ?? $"exit code {process.ExitCode}";
            throw new CommandLineError($"demo: stack/{verb} {string.Join(' ', parts)} failed: {reason.Trim()}");
        }
    }
}
