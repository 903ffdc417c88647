using System.Runtime.InteropServices;

namespace Insights.Fixtures.Kafka;

/// <summary>SIGTERM, which .NET's Process API cannot send (Kill is SIGKILL): tests of clean shutdown need it.</summary>
internal static class Posix
{
    private const int SigTerm = 15;

    public static void Terminate(int pid)
    {
        if (kill(pid, SigTerm) != 0 && Marshal.GetLastPInvokeError() != 3 /* ESRCH: already gone */)
            throw new InvalidOperationException($"kill -TERM {pid} failed: errno {Marshal.GetLastPInvokeError()}");
    }

    // DllImport, not LibraryImport: two ints need no marshalling and no unsafe code in this project.
    [DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int signal);
}
