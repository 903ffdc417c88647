using System.Globalization;
using System.Runtime.InteropServices;

namespace Insights.TestSupport;

/// <summary>What runs of the pipeline ask the kernel about the processes they start: CPU time used, and signals .NET cannot send (Process.Kill is SIGKILL only).</summary>
public static class LinuxProcess
{
    public const int Interrupt = 2, Kill = 9, Terminate = 15;
    private const int NoSuchProcess = 3; // ESRCH
    private const int ClockTicksName = 2; // _SC_CLK_TCK

    private static readonly double TicksPerSecond = sysconf(ClockTicksName) is > 0 and var ticks ? ticks : 100;

    /// <summary>
    /// User plus system CPU seconds the process has used so far (utime + stime of /proc/&lt;pid&gt;/stat, every thread
    /// counted); NaN once it is gone.
    /// </summary>
    public static double CpuSeconds(int pid) => Stat($"/proc/{pid}/stat") is { } stat ? CpuTicks(stat) / TicksPerSecond : double.NaN;

    /// <summary>
    /// Minor page faults of the process so far (minflt, field 10 of /proc/&lt;pid&gt;/stat: pages the kernel mapped without
    /// reading a disk, as when the GC touches memory it committed again); NaN once it is gone.
    /// </summary>
    public static double MinorFaults(int pid) =>
        Stat($"/proc/{pid}/stat") is { } stat ? long.Parse(Fields(stat)[7], CultureInfo.InvariantCulture) : double.NaN;

    /// <summary>
    /// CPU seconds used so far by the process's threads whose name starts with <paramref name="threadName"/> (Linux keeps
    /// the first 15 bytes of a thread's name); 0 when none runs, NaN once the process is gone.
    /// </summary>
    public static double ThreadCpuSeconds(int pid, string threadName)
    {
        long ticks = 0;
        try
        {
            foreach (var task in Directory.EnumerateDirectories($"/proc/{pid}/task"))
            {
                if (Stat(Path.Combine(task, "stat")) is not { } stat) continue; // the thread ended
                var open = stat.IndexOf('(');
                if (stat.AsSpan(open + 1, stat.LastIndexOf(')') - open - 1).StartsWith(threadName.AsSpan(0, Math.Min(15, threadName.Length)), StringComparison.Ordinal))
                    ticks += CpuTicks(stat);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return double.NaN; }
        return ticks / TicksPerSecond;
    }

    /// <summary>A /proc stat file's line, or null once its process or thread is gone.</summary>
    private static string? Stat(string path)
    {
        try { return File.ReadAllText(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return null; }
    }

    /// <summary>utime + stime, in clock ticks, of a /proc/&lt;pid&gt;/stat or /proc/&lt;pid&gt;/task/&lt;tid&gt;/stat line.</summary>
    private static long CpuTicks(string stat)
    {
        // utime and stime are fields 14 and 15.
        var fields = Fields(stat);
        return long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// The fields of a stat line from field 3 (state) on: the command name (field 2) is in parentheses and may hold spaces,
    /// so they are counted after the last ')'.
    /// </summary>
    private static string[] Fields(string stat) => stat[(stat.LastIndexOf(')') + 2)..].Split(' ');

    /// <summary>Sends <paramref name="signal"/>; false when the process is already gone, an exception for any other refusal.</summary>
    public static bool Signal(int pid, int signal)
    {
        if (kill(pid, signal) == 0) return true;
        var error = Marshal.GetLastPInvokeError();
        return error == NoSuchProcess ? false : throw new InvalidOperationException($"kill -{signal} {pid} failed: errno {error}");
    }

    /// <summary>SIGTERM: the process may finish its work and close cleanly (a Generic Host stops its services).</summary>
    public static bool SendTerminate(int pid) => Signal(pid, Terminate);

    // DllImport, not LibraryImport: two ints need no marshalling and no unsafe code.
    [DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int signal);

    [DllImport("libc")]
    private static extern long sysconf(int name);
}
