using System.Diagnostics;

namespace Insights.TestSupport;

/// <summary>How a command-line program ended: exit code and what it wrote.</summary>
public sealed record CommandResult(int ExitCode, string Output, string Error)
{
    public static async Task<CommandResult> RunAsync(string program, IEnumerable<string> args, TimeSpan? timeout = null)
    {
        var info = new ProcessStartInfo(program, args) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        try { await process.WaitForExitAsync().WaitAsync(timeout ?? TimeSpan.FromSeconds(60)); }
        catch (TimeoutException) { process.Kill(entireProcessTree: true); throw; }
        return new CommandResult(process.ExitCode, await output, await error);
    }

    public bool Succeeded => ExitCode == 0;

    /// <summary>Everything the program wrote, standard output then standard error.</summary>
    public string Text => (Output + Error).Trim();

    public override string ToString() => $"exit {ExitCode}\n{Output}{Error}";
}
