using System.Diagnostics;
using System.Text;

namespace Insights.Host.Bench;

/// <summary>
/// One `insights` child process running a role or command (this program, started again: `worker`, `sink`,
/// `snapshot take`...), configured through environment variables only, its output kept for error messages. Kill is
/// SIGKILL: no shutdown hook, no commit, no flush. The one launcher for the soak bench and the tests that kill roles
/// (tests/Processors.Tests and tests/Sinks.Tests build this program beside them).
/// </summary>
public sealed class InsightsProcess : IDisposable
{
    private readonly Process process;
    private readonly StringBuilder output = new();
    private readonly string? readyFile;

    private InsightsProcess(string name, IReadOnlyDictionary<string, string> settings, string[] arguments)
    {
        Name = name;
        var info = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "insights.dll"), .. arguments])
        {
            UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true,
        };
        // Settings the developer's shell may carry, and the local stack's endpoints, must not leak into the child.
        foreach (var key in info.Environment.Keys.Where(k => k.Contains("__") || k.StartsWith("INSIGHTS_")).ToList()) info.Environment.Remove(key);
        info.Environment["INSIGHTS_HOME"] = RepositoryRoot.Find();
        info.Environment["INSIGHTS_STACK_DIR"] = Directory.CreateTempSubdirectory("insights-no-stack-").FullName;
        if (arguments is ["worker", ..])
        {
            readyFile = Path.Combine(Path.GetTempPath(), $"insights-worker-ready-{Guid.NewGuid():N}");
            info.Environment["Processors__ReadyFile"] = readyFile;
        }
        foreach (var (key, value) in settings) info.Environment[key] = value;
        process = Process.Start(info)!;
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    /// <summary>`insights` with <paramref name="arguments"/> (e.g. `sink`, or `snapshot take`).</summary>
    public static InsightsProcess Start(string name, IReadOnlyDictionary<string, string> settings, params string[] arguments) =>
        new(name, settings, arguments);

    /// <summary>`insights worker`, which says it is running through its ready file (<see cref="Ready"/>).</summary>
    public static InsightsProcess Worker(string name, IReadOnlyDictionary<string, string> settings) => new(name, settings, ["worker"]);

    public string Name { get; }
    /// <summary>A worker's stream is running (its ready file exists); always false for other commands.</summary>
    public bool Ready => readyFile is not null && File.Exists(readyFile);
    public bool HasExited => process.HasExited;
    public int? ExitCode => process.HasExited ? process.ExitCode : null;

    /// <summary>Everything the child wrote so far.</summary>
    public string Output { get { lock (output) return output.ToString(); } }

    /// <summary>The last lines the child wrote, for an error message.</summary>
    public string Tail(int lines = 20)
    {
        lock (output) return string.Join('\n', output.ToString().Split('\n').TakeLast(lines));
    }

    /// <summary>SIGKILL, as an OOM kill or a lost node does it.</summary>
    public void Kill()
    {
        if (!process.HasExited) process.Kill(entireProcessTree: true);
        process.WaitForExit(10_000);
        if (readyFile is not null) try { File.Delete(readyFile); } catch (IOException) { }
    }

    public void Dispose()
    {
        Kill();
        process.Dispose();
    }
}
