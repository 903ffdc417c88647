using System.Diagnostics;

namespace Insights.Host.Bench;

/// <summary>
/// One child process of this program (by default `insights worker`), configured through environment variables only,
/// with a ready file it creates while its stream is RUNNING. Kill is SIGKILL: no shutdown hook, no commit, no store
/// flush; Stop is SIGTERM: the stream finishes, commits and closes. The benches and the crash test
/// (tests/Processors.Tests, which builds this program beside the tests) start their workers with it.
/// </summary>
public sealed class WorkerProcess : IDisposable
{
    private readonly Process process;
    private readonly List<(string Text, TimeSpan At)> lines = [];
    private readonly string readyFile = Path.Combine(Path.GetTempPath(), $"insights-worker-ready-{Guid.NewGuid():N}");
    private readonly long startedAt;
    private bool disposed;

    /// <param name="name">How messages name this process.</param>
    /// <param name="settings">Environment variables (Section__Key) on top of a cleaned environment.</param>
    /// <param name="command">The program's arguments: `worker` unless given.</param>
    public WorkerProcess(string name, IReadOnlyDictionary<string, string> settings, IReadOnlyList<string>? command = null)
    {
        Name = name;
        var info = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "insights.dll"), .. command ?? ["worker"]])
        {
            UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true,
        };
        // Settings the developer's shell may carry, and the local stack's endpoints, must not leak into the worker.
        foreach (var key in info.Environment.Keys.Where(k => k.Contains("__") || k.StartsWith("INSIGHTS_")).ToList()) info.Environment.Remove(key);
        info.Environment["INSIGHTS_HOME"] = RepositoryRoot.Find();
        info.Environment["INSIGHTS_STACK_DIR"] = Directory.CreateTempSubdirectory("insights-no-stack-").FullName;
        info.Environment["Processors__ReadyFile"] = readyFile;
        foreach (var (key, value) in settings) info.Environment[key] = value;
        startedAt = Stopwatch.GetTimestamp();
        process = Process.Start(info)!;
        process.OutputDataReceived += (_, e) => Write(e.Data);
        process.ErrorDataReceived += (_, e) => Write(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public string Name { get; }
    public bool Ready => File.Exists(readyFile);
    public bool HasExited => process.HasExited;

    /// <summary>Time since the process was started.</summary>
    public TimeSpan Age => Stopwatch.GetElapsedTime(startedAt);

    /// <summary>CPU seconds (user + system, all threads) the process has used since it started; NaN once it is gone.</summary>
    public double CpuSeconds => LinuxProcess.CpuSeconds(process.Id);

    /// <summary>Everything the worker wrote so far.</summary>
    public string Output { get { lock (lines) return string.Join('\n', lines.Select(l => l.Text)); } }

    /// <summary>The last lines the worker wrote, for an error message.</summary>
    public string Tail(int count = 20)
    {
        lock (lines) return string.Join('\n', lines.TakeLast(count).Select(l => l.Text));
    }

    /// <summary>When, after the start, the worker wrote the first line containing <paramref name="text"/>; null if it has not yet.</summary>
    public TimeSpan? WroteAt(string text)
    {
        lock (lines) return lines.FirstOrDefault(l => l.Text.Contains(text, StringComparison.Ordinal)) is ({ } _, var at) ? at : null;
    }

    private void Write(string? line)
    {
        if (line is null) return;
        lock (lines) lines.Add((line, Age));
    }

    /// <summary>SIGTERM, as an orchestrator stops a pod; SIGKILL if the process is still there after <paramref name="limit"/>.</summary>
    public void Stop(TimeSpan limit)
    {
        if (disposed) return;
        if (!process.HasExited)
        {
            LinuxProcess.Terminate(process.Id);
            if (!process.WaitForExit(limit)) Kill();
        }
        try { File.Delete(readyFile); } catch (IOException) { }
    }

    /// <summary>SIGKILL, as an OOM kill or a lost node does it.</summary>
    public void Kill()
    {
        if (disposed) return;
        if (!process.HasExited) process.Kill(entireProcessTree: true);
        process.WaitForExit(10_000);
        try { File.Delete(readyFile); } catch (IOException) { }
    }

    public void Dispose()
    {
        Kill();
        disposed = true;
        process.Dispose();
    }
}
