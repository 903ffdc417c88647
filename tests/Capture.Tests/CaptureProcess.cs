using System.Diagnostics;
using System.Text;
using Insights.TestSupport;

namespace Insights.Capture.Tests;

/// <summary>`insights capture` (the program built beside the tests) as a child process a test can kill -9.</summary>
public sealed class CaptureProcess : IDisposable
{
    private readonly Process process;
    private readonly StringBuilder output = new();

    private CaptureProcess(Process process) => this.process = process;

    public static string ProgramPath => Path.Combine(AppContext.BaseDirectory, "insights.dll");

    public string Output { get { lock (output) return output.ToString(); } }
    public bool HasExited => process.HasExited;

    public static CaptureProcess Start(IReadOnlyDictionary<string, string> environment)
    {
        var info = new ProcessStartInfo("dotnet", [ProgramPath, "capture"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var (key, value) in environment) info.Environment[key] = value;
        var process = new Process { StartInfo = info };
        var capture = new CaptureProcess(process);
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (capture.output) capture.output.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (capture.output) capture.output.AppendLine("stderr: " + e.Data); };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return capture;
    }

    public async Task WaitForOutputAsync(string text, TimeSpan timeout)
    {
        await Poll.UntilAsync(() =>
            {
                if (Output.Contains(text, StringComparison.Ordinal)) return true;
                if (process.HasExited) throw new InvalidOperationException($"capture exited with {process.ExitCode} before printing '{text}':\n{Output}");
                return false;
            },
            () => $"capture to print '{text}':\n{Output}", timeout, TestContext.Current.CancellationToken);
    }

    /// <summary>SIGKILL: no flush, no final checkpoint, like a crash or an OOM kill.</summary>
    public void KillHard()
    {
        if (!process.HasExited) process.Kill(entireProcessTree: false);
        process.WaitForExit();
    }

    public void Dispose()
    {
        KillHard();
        process.Dispose();
    }
}
