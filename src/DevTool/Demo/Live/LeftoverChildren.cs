using Insights.TestSupport;

namespace Insights.DevTool.Demo.Live;

/// <summary>
/// The pid file of the children of the current run. A demo that was killed outright (SIGKILL, a closed
/// machine) cannot stop its children; the next run finds them here and stops them first. A pid counts only
/// while its environment still carries <see cref="Marker"/>, so a recycled pid is never touched.
/// </summary>
public sealed class LeftoverChildren(string file)
{
    public const string Marker = "INSIGHTS_DEMO_ROLE";

    public void Record(IEnumerable<RoleProcess> children)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        File.WriteAllLines(file, children.Select(c => c.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)));
    }

    public void Clear() => File.Delete(file);

    /// <summary>Stops (SIGKILL: their state is wiped anyway) every recorded child still running; returns how many there were.</summary>
    public int StopAll()
    {
        if (!File.Exists(file)) return 0;
        var stopped = 0;
        foreach (var line in File.ReadAllLines(file))
            if (int.TryParse(line, out var pid) && IsDemoRole(pid) && LinuxProcess.Signal(pid, LinuxProcess.Kill)) stopped++;
        Clear();
        return stopped;
    }

    public static bool IsDemoRole(int pid)
    {
        try { return File.ReadAllText($"/proc/{pid}/environ").Split('\0').Any(v => v.StartsWith(Marker + "=", StringComparison.Ordinal)); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return false; }
    }
}
