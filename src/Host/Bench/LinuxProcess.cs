using System.Globalization;
using System.Runtime.InteropServices;

namespace Insights.Host.Bench;

/// <summary>What the benches ask the kernel about the processes they start: CPU time used, and a polite stop.</summary>
internal static class LinuxProcess
{
    private const int SignalTerminate = 15;
    private const int ClockTicksName = 2; // _SC_CLK_TCK

    private static readonly double TicksPerSecond = sysconf(ClockTicksName) is > 0 and var ticks ? ticks : 100;

    /// <summary>
    /// User plus system CPU seconds the process has used so far (utime + stime of /proc/&lt;pid&gt;/stat, every thread
    /// counted); NaN once it is gone.
    /// </summary>
    public static double CpuSeconds(int pid)
    {
        string stat;
        try { stat = File.ReadAllText($"/proc/{pid}/stat"); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return double.NaN; }
        // The command name (field 2) is in parentheses and may hold spaces: count fields after the last ')'.
        // What follows is field 3 (state); utime and stime are fields 14 and 15.
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
        return ticks / TicksPerSecond;
    }

    /// <summary>SIGTERM: the process may finish its work and close cleanly (a Generic Host stops its services).</summary>
    public static void Terminate(int pid) => _ = kill(pid, SignalTerminate);

    [DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int signal);

    [DllImport("libc")]
    private static extern long sysconf(int name);
}
