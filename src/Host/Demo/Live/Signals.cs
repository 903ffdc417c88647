using System.Runtime.InteropServices;

namespace Insights.Host.Demo.Live;

/// <summary>POSIX signals to a process id: .NET only offers SIGKILL (Process.Kill), a graceful stop needs SIGTERM.</summary>
internal static class Signals
{
    public const int Interrupt = 2, Kill = 9, Terminate = 15;

    /// <summary>True when the signal was delivered; false when no such process exists any more.</summary>
    public static bool Send(int pid, int signal) => kill(pid, signal) == 0;

    [DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int sig);
}
