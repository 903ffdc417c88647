using Insights.TestSupport;

namespace Insights.DevTool.Bench.Chaos;

/// <summary>
/// One role of the pipeline under chaos (the capture, a worker, the sink): its current `insights` process, started again
/// at once after each SIGKILL, as an orchestrator restarts a killed container. A process that exits without being killed
/// is restarted the same way and counted apart (an unplanned exit), so the run can say which role fell over by itself.
/// Each finished process's output is kept in the run's log folder.
/// </summary>
public sealed class ChaosRole(string name, string logFolder, Func<int, InsightsProcess> start) : IDisposable
{
    private InsightsProcess? process;
    private int starts;

    public string Name { get; } = name;
    public int Kills { get; private set; }
    public List<string> UnplannedExits { get; } = [];

    public InsightsProcess Process => process ?? throw new InvalidOperationException($"{Name} was not started");

    /// <summary>Which start this is: 0 for the first, 1 after the first kill...</summary>
    public int Starts => starts;

    public void Start() => process = start(starts++);

    /// <summary>SIGKILL, then a new process at once.</summary>
    public void KillAndRestart()
    {
        Process.Kill();
        Retire("killed");
        Kills++;
        Start();
    }

    /// <summary>Starts the role again if its process exited on its own; returns what happened, or null while it runs.</summary>
    public string? RestartIfExited()
    {
        if (!Process.HasExited) return null;
        var what = $"{Name} exited on its own with code {Process.ExitCode}: {Process.Tail(2).ReplaceLineEndings(" | ")}";
        UnplannedExits.Add(what);
        Retire($"exited with code {Process.ExitCode}");
        Start();
        return what;
    }

    private void Retire(string how)
    {
        var file = Path.Combine(logFolder, $"{Name}.{starts}.log");
        try { File.WriteAllText(file, $"{Process.Output}\n-- {how} after {Process.Age.TotalSeconds:0.0} s\n"); } catch (IOException) { }
        process!.Dispose();
        process = null;
    }

    public void Dispose()
    {
        if (process is null) return;
        process.Kill();
        Retire("ended at the end of the run");
    }
}
