using System.Diagnostics;

namespace Insights.TestSupport;

/// <summary>How a command-line program ended: exit code, what it wrote and how long it took.</summary>
public sealed record CommandResult(int ExitCode, string Output, string Error)
{
    public TimeSpan Elapsed { get; init; }

    public static Task<CommandResult> RunAsync(string program, IEnumerable<string> args, TimeSpan? timeout = null) =>
        RunAsync(new ProcessStartInfo(program, args), timeout);

    /// <summary>
    /// Starts the process, reads both streams to the end and kills it (and its children) after the timeout (60 s by
    /// default) or when <paramref name="ct"/> is cancelled.
    /// </summary>
    public static async Task<CommandResult> RunAsync(ProcessStartInfo info, TimeSpan? timeout = null, CancellationToken ct = default)
    {
        info.RedirectStandardOutput = true;
        info.RedirectStandardError = true;
        info.UseShellExecute = false;
        var limit = timeout ?? TimeSpan.FromSeconds(60);
        var clock = Stopwatch.StartNew();
        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        try { await process.WaitForExitAsync(ct).WaitAsync(limit, ct); }
        catch (TimeoutException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{Path.GetFileName(info.FileName)} {string.Join(' ', info.ArgumentList)} did not end within {limit}");
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }
        return new CommandResult(process.ExitCode, await output, await error) { Elapsed = clock.Elapsed };
    }

    public bool Succeeded => ExitCode == 0;

    /// <summary>Everything the program wrote, standard output then standard error.</summary>
    public string Text => (Output + Error).Trim();

    public override string ToString() => $"exit {ExitCode}\n{Output}{Error}";
}
