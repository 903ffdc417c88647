using System.Diagnostics;

namespace Insights.TestSupport;

/// <summary>
/// One `insights` child process running a role or command (this program, started again: `worker`, `sink`,
/// `snapshot take`, `bench ticket-count`...), configured through environment variables only, its output kept with the
/// time each line was written. Kill is SIGKILL: no shutdown hook, no commit, no flush; Stop is SIGTERM: a worker's stream
/// finishes, commits and closes. The one launcher for the benches and the tests that kill roles (tests/Processors.Tests
/// and tests/Sinks.Tests build this program beside them).
/// </summary>
public sealed class InsightsProcess : IDisposable
{
    private readonly Process process;
    private readonly List<(string Text, TimeSpan At)> lines = [];
    private readonly string readyFile;
    private readonly long startedAt;
    private bool disposed;

    /// <summary>The production program built beside the running tests or tool.</summary>
    public static string ProgramPath => Path.Combine(AppContext.BaseDirectory, "insights.dll");

    /// <summary>The developer tool (`insights-dev`) built beside the running tests or tool.</summary>
    public static string DevToolPath => Path.Combine(AppContext.BaseDirectory, "insights-dev.dll");

    private InsightsProcess(string name, IReadOnlyDictionary<string, string> settings, string[] arguments, string? program = null)
    {
        Name = name;
        var info = new ProcessStartInfo("dotnet", [program ?? ProgramPath, .. arguments])
        {
            UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true,
        };
        IsolatedEnvironment.Apply(info);
        info.Environment["INSIGHTS_HOME"] = RepositoryPaths.Root;
        // Streamiz applications (a worker, the benches' count baseline) create it while they are ready; other commands ignore it.
        readyFile = Path.Combine(Path.GetTempPath(), $"insights-ready-{Guid.NewGuid():N}");
        info.Environment["Processors__ReadyFile"] = readyFile;
        foreach (var (key, value) in settings) info.Environment[key] = value;
        startedAt = Stopwatch.GetTimestamp();
        process = Process.Start(info)!;
        process.OutputDataReceived += (_, e) => Write(e.Data);
        process.ErrorDataReceived += (_, e) => Write(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    /// <summary>`insights` with <paramref name="arguments"/> (e.g. `sink`, or `snapshot take`).</summary>
    public static InsightsProcess Start(string name, IReadOnlyDictionary<string, string> settings, params string[] arguments) =>
        new(name, settings, arguments);

    /// <summary>
    /// The developer tool (`insights-dev`, src/DevTool) with <paramref name="arguments"/>, for the processes only it runs
    /// (`bench ticket-count`); the benches that call this run inside the tool, so it is beside them.
    /// </summary>
    public static InsightsProcess DevTool(string name, IReadOnlyDictionary<string, string> settings, params string[] arguments) =>
        new(name, settings, arguments, DevToolPath);

    /// <summary>`insights worker`, which says it is ready through its ready file (<see cref="Ready"/>).</summary>
    public static InsightsProcess Worker(string name, IReadOnlyDictionary<string, string> settings) => new(name, settings, ["worker"]);

    public string Name { get; }

    /// <summary>A worker (or the count baseline) is ready: its ready file exists. Always false for other commands.</summary>
    public bool Ready => File.Exists(readyFile);
    public bool HasExited => process.HasExited;
    public int? ExitCode => process.HasExited ? process.ExitCode : null;

    /// <summary>Time since the process was started.</summary>
    public TimeSpan Age => Stopwatch.GetElapsedTime(startedAt);

    /// <summary>CPU seconds (user + system, all threads) the process has used since it started; NaN once it is gone.</summary>
    public double CpuSeconds => LinuxProcess.CpuSeconds(process.Id);

    /// <summary>Minor page faults of the process so far (<see cref="LinuxProcess.MinorFaults"/>); NaN once it is gone.</summary>
    public double MinorFaults => LinuxProcess.MinorFaults(process.Id);

    /// <summary>
    /// CPU seconds the runtime's background JIT thread has used: it compiles hot methods again with optimisations (and
    /// profile data) some time after their first calls, so while it still works the process is warming up. The thread
    /// ends after 4 s idle and its CPU goes with it: a caller comparing two readings keeps it alive
    /// (DOTNET_TC_BackgroundWorkerTimeoutMs).
    /// </summary>
    public double JitCpuSeconds => LinuxProcess.ThreadCpuSeconds(process.Id, ".NET Tiered Compilation Worker");

    /// <summary>Everything the child wrote so far.</summary>
    public string Output { get { lock (lines) return string.Join('\n', lines.Select(l => l.Text)); } }

    /// <summary>The last lines the child wrote, for an error message.</summary>
    public string Tail(int count = 20)
    {
        lock (lines) return string.Join('\n', lines.TakeLast(count).Select(l => l.Text));
    }

    /// <summary>When, after the start, the child wrote the first line containing <paramref name="text"/>; null if it has not yet.</summary>
    public TimeSpan? WroteAt(string text)
    {
        lock (lines) return lines.FirstOrDefault(l => l.Text.Contains(text, StringComparison.Ordinal)) is ({ } _, var at) ? at : null;
    }

    /// <summary>The last line the child wrote that contains <paramref name="text"/>; null if none.</summary>
    public string? LastLine(string text)
    {
        lock (lines) return lines.LastOrDefault(l => l.Text.Contains(text, StringComparison.Ordinal)).Text;
    }

    /// <summary>
    /// Waits until the child writes a line containing <paramref name="text"/>; throws with its output if it exits first, or
    /// times out after <paramref name="limit"/> naming the text.
    /// </summary>
    public Task WaitForLineAsync(string text, TimeSpan limit, CancellationToken ct) =>
        Poll.UntilAsync(() =>
        {
            if (WroteAt(text) is not null) return true;
            if (HasExited) throw new InvalidOperationException($"{Name} exited with {ExitCode} before writing '{text}':\n{Tail()}");
            return false;
        }, () => $"{Name} to write '{text}':\n{Tail()}", limit, ct);

    /// <summary>
    /// The first answer to a GET of <paramref name="url"/> once the child listens; throws with its output if it exits
    /// first, or times out after <paramref name="limit"/> (30 s by default) naming the url.
    /// </summary>
    public async Task<HttpResponseMessage> FirstAnswerAsync(HttpClient http, string url, CancellationToken ct, TimeSpan? limit = null)
    {
        HttpResponseMessage? answer = null;
        await Poll.UntilAsync(async () =>
        {
            if (HasExited) throw new InvalidOperationException($"{Name} exited with {ExitCode} before answering {url}:\n{Tail()}");
            try { answer = await http.GetAsync(url, ct); return true; }
            catch (HttpRequestException) { return false; }
        }, () => $"an answer from {url}\n{Tail()}", limit ?? TimeSpan.FromSeconds(30), ct, TimeSpan.FromMilliseconds(100));
        return answer!;
    }

    private void Write(string? line)
    {
        if (line is null) return;
        lock (lines) lines.Add((line, Age));
    }

    /// <summary>
    /// SIGTERM, as an orchestrator stops a pod; SIGKILL if the process is still there after <paramref name="limit"/>
    /// (as the kubelet does after the grace period). True when it exited on its own.
    /// </summary>
    public bool Stop(TimeSpan limit)
    {
        if (disposed) return true;
        var exited = true;
        if (!process.HasExited)
        {
            LinuxProcess.SendTerminate(process.Id);
            exited = process.WaitForExit(limit);
            if (!exited) Kill();
        }
        DeleteReadyFile();
        return exited;
    }

    /// <summary>SIGKILL, as an OOM kill or a lost node does it.</summary>
    public void Kill()
    {
        if (disposed) return;
        if (!process.HasExited) process.Kill(entireProcessTree: true);
        process.WaitForExit(10_000);
        DeleteReadyFile();
    }

    private void DeleteReadyFile()
    {
        try { File.Delete(readyFile); } catch (IOException) { }
    }

    public void Dispose()
    {
        Kill();
        disposed = true;
        process.Dispose();
    }
}
