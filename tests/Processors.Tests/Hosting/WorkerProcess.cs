using System.Diagnostics;
using System.Text;

namespace Insights.Processors.Tests.Hosting;

/// <summary>
/// One `insights worker` process (the program built beside the tests), configured through environment
/// variables only. Kill is SIGKILL: no shutdown hook, no commit, no store flush.
/// </summary>
public sealed class WorkerProcess : IDisposable
{
    private readonly Process process;
    private readonly StringBuilder output = new();

    public WorkerProcess(string name, IReadOnlyDictionary<string, string> settings)
    {
        Name = name;
        ReadyFile = Path.Combine(Path.GetTempPath(), $"insights-worker-ready-{Guid.NewGuid():N}");
        var info = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "insights.dll"), "worker"])
        {
            UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true,
        };
        // Settings the developer's shell may carry must not leak into the worker.
        foreach (var key in info.Environment.Keys.Where(k => k.Contains("__") || k.StartsWith("INSIGHTS_")).ToList()) info.Environment.Remove(key);
        info.Environment["INSIGHTS_HOME"] = Fixtures.RepositoryPaths.Root;
        info.Environment["INSIGHTS_STACK_DIR"] = Directory.CreateTempSubdirectory("insights-no-stack-").FullName;
        info.Environment["Processors__ReadyFile"] = ReadyFile;
        foreach (var (key, value) in settings) info.Environment[key] = value;
        process = Process.Start(info)!;
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public string Name { get; }
    public string ReadyFile { get; }
    public bool Ready => File.Exists(ReadyFile);
    public bool HasExited => process.HasExited;

    public string Output { get { lock (output) return output.ToString(); } }

    /// <summary>SIGKILL, as an OOM kill or a lost node does it.</summary>
    public void Kill()
    {
        process.Kill(entireProcessTree: true);
        process.WaitForExit(10_000);
        try { File.Delete(ReadyFile); } catch (IOException) { }
    }

    public void Dispose()
    {
        if (!process.HasExited) Kill();
        process.Dispose();
    }
}
