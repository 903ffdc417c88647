using System.Diagnostics;
using System.Text;

namespace Insights.Capture.Tests;

/// <summary>`insights capture` (the program built beside the tests) as a child process a test can kill -9.</summary>
public sealed class CaptureProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private CaptureProcess(Process process) => _process = process;

    public static string ProgramPath => Path.Combine(AppContext.BaseDirectory, "insights.dll");

    public string Output { get { lock (_output) return _output.ToString(); } }
    public bool HasExited => _process.HasExited;

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
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (capture._output) capture._output.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (capture._output) capture._output.AppendLine("stderr: " + e.Data); };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return capture;
    }

    public async Task WaitForOutputAsync(string text, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!Output.Contains(text, StringComparison.Ordinal))
        {
            if (_process.HasExited) throw new InvalidOperationException($"capture exited with {_process.ExitCode} before printing '{text}':\n{Output}");
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"capture did not print '{text}' within {timeout}:\n{Output}");
            await Task.Delay(50);
        }
    }

    /// <summary>SIGKILL: no flush, no final checkpoint, like a crash or an OOM kill.</summary>
    public void KillHard()
    {
        if (!_process.HasExited) _process.Kill(entireProcessTree: false);
        _process.WaitForExit();
    }

    public void Dispose()
    {
        KillHard();
        _process.Dispose();
    }
}
