using System.Diagnostics;
using System.Text;

namespace Insights.Host.Bench;

/// <summary>
/// One `insights worker` process (this program, started again with `worker`), configured through environment
/// variables only. Kill is SIGKILL: no shutdown hook, no commit, no store flush. The soak bench and the crash
/// test (tests/Processors.Tests, which builds this program beside the tests) both use it.
/// </summary>
public sealed class WorkerProcess : IDisposable
{
    private readonly Process process;
    private readonly StringBuilder output = new();
    private readonly string readyFile = Path.Combine(Path.GetTempPath(), $"insights-worker-ready-{Guid.NewGuid():N}");

    public WorkerProcess(string name, IReadOnlyDictionary<string, string> settings)
    {
        Name = name;
        var info = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "insights.dll"), "worker"])
        {
            UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true,
        };
        // Settings the developer's shell may carry, and the local stack's endpoints, must not leak into the worker.
        foreach (var key in info.Environment.Keys.Where(k => k.Contains("__") || k.StartsWith("INSIGHTS_")).ToList()) info.Environment.Remove(key);
        info.Environment["INSIGHTS_HOME"] = RepositoryRoot.Find();
        info.Environment["INSIGHTS_STACK_DIR"] = Directory.CreateTempSubdirectory("insights-no-stack-").FullName;
        info.Environment["Processors__ReadyFile"] = readyFile;
        foreach (var (key, value) in settings) info.Environment[key] = value;
        process = Process.Start(info)!;
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public string Name { get; }
    public bool Ready => File.Exists(readyFile);
    public bool HasExited => process.HasExited;

    /// <summary>Everything the worker wrote so far.</summary>
    public string Output { get { lock (output) return output.ToString(); } }

    /// <summary>The last lines the worker wrote, for an error message.</summary>
    public string Tail(int lines = 20)
    {
        lock (output) return string.Join('\n', output.ToString().Split('\n').TakeLast(lines));
    }

    /// <summary>SIGKILL, as an OOM kill or a lost node does it.</summary>
    public void Kill()
    {
        if (!process.HasExited) process.Kill(entireProcessTree: true);
        process.WaitForExit(10_000);
        try { File.Delete(readyFile); } catch (IOException) { }
    }

    public void Dispose()
    {
        Kill();
        process.Dispose();
    }
}
