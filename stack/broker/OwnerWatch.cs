using System.Diagnostics;

namespace Insights.Broker;

/// <summary>
/// Stops the broker when the process that started it is gone, so a test run that crashes (no Dispose, no
/// exit hook) does not leave a broker behind.
/// </summary>
internal static class OwnerWatch
{
    public static async Task ExitWhenGoneAsync(int pid, CancellationTokenSource stop, TextWriter log)
    {
        while (!stop.IsCancellationRequested)
        {
            if (!IsAlive(pid))
            {
                await log.WriteLineAsync($"INFO owner process {pid} is gone: stopping");
                await stop.CancelAsync();
                return;
            }
            try { await Task.Delay(TimeSpan.FromSeconds(1), stop.Token); }
            catch (OperationCanceledException) { return; }
        }
    }

    private static bool IsAlive(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException) { return false; } // no such process
        catch (InvalidOperationException) { return false; }
    }
}
