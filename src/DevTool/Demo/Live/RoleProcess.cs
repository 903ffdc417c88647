using System.Diagnostics;

using Insights.TestSupport;

namespace Insights.DevTool.Demo.Live;

/// <summary>
/// A running child role. It runs in its own session (setsid), so a Ctrl+C in the terminal reaches only the
/// demo, which then stops the children in its own order; its output goes straight to a log file (no pipe
/// back to the demo that could break if the demo dies).
/// </summary>
public sealed class RoleProcess : IDisposable
{
    // bash only redirects and then execs: the pid Process.Start returns is the role's own pid throughout.
    private const string RedirectAndExec = "log=$1; shift; exec \"$@\" </dev/null >>\"$log\" 2>&1";

    private readonly Process process;

    private RoleProcess(RoleSpec spec, Process process, string logFile)
    {
        Spec = spec;
        this.process = process;
        LogFile = logFile;
    }

    public RoleSpec Spec { get; }
    public string Name => Spec.Name;
    public string LogFile { get; }
    public int Id => process.Id;
    public bool HasExited => process.HasExited;
    public int? ExitCode => process.HasExited ? process.ExitCode : null;

    public static RoleProcess Start(RoleSpec spec, InsightsProgram program, string logFolder, string workingDirectory)
    {
        Directory.CreateDirectory(logFolder);
        var log = Path.Combine(logFolder, $"{spec.Name}.log");
        File.WriteAllText(log, "");
        var info = new ProcessStartInfo("setsid", ["bash", "-c", RedirectAndExec, "insights-role", log, .. program.CommandLine(spec.Arguments)])
        {
            UseShellExecute = false,
            WorkingDirectory = workingDirectory,
        };
        foreach (var (key, value) in spec.Environment) info.Environment[key] = value;
        var process = Process.Start(info) ?? throw new InvalidOperationException($"could not start {spec.Name}");
        return new RoleProcess(spec, process, log);
    }

    /// <summary>SIGTERM, then up to <paramref name="grace"/> for a clean exit, then SIGKILL. Says which it took.</summary>
    public async Task<StopOutcome> StopAsync(TimeSpan grace)
    {
        if (process.HasExited) return new StopOutcome(Name, process.ExitCode, Killed: false, AlreadyExited: true);
        LinuxProcess.SendTerminate(process.Id);
        using var wait = new CancellationTokenSource(grace);
        try
        {
            await process.WaitForExitAsync(wait.Token);
            return new StopOutcome(Name, process.ExitCode, Killed: false, AlreadyExited: false);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(CancellationToken.None);
            return new StopOutcome(Name, null, Killed: true, AlreadyExited: false);
        }
    }

    /// <summary>The last lines of the role's log, for a one-glance reason when it died.</summary>
    public string Tail(int lines = 3)
    {
        try { return string.Join(Environment.NewLine, File.ReadLines(LogFile).TakeLast(lines)); }
        catch (IOException) { return ""; }
    }

    public void Dispose() => process.Dispose();
}

/// <summary>How a role ended: its exit code after SIGTERM, or killed after the grace period.</summary>
public sealed record StopOutcome(string Name, int? ExitCode, bool Killed, bool AlreadyExited)
{
    public override string ToString() =>
        Killed ? $"{Name}: killed (did not stop within the grace period)"
        : AlreadyExited ? $"{Name}: had already exited with code {ExitCode}"
        : $"{Name}: stopped (exit code {ExitCode})";
}
