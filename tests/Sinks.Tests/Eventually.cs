using System.Diagnostics;

namespace Insights.Sinks.Tests;

/// <summary>The tests' one polling helper: waits until a condition holds, or fails naming what it waited for.</summary>
public static class Eventually
{
    /// <summary>Polls every 20 ms until <paramref name="condition"/> holds; a condition may throw to fail at once (a child process died).</summary>
    public static async Task HoldsAsync(Func<Task<bool>> condition, Func<string> what, CancellationToken ct, TimeSpan? limit = null)
    {
        var within = limit ?? TimeSpan.FromSeconds(15);
        var waited = Stopwatch.StartNew();
        while (!await condition())
        {
            if (waited.Elapsed > within) throw new TimeoutException($"{what()} did not happen within {within.TotalSeconds:0} s");
            await Task.Delay(20, ct);
        }
    }

    public static Task HoldsAsync(Func<bool> condition, Func<string> what, CancellationToken ct, TimeSpan? limit = null) =>
        HoldsAsync(() => Task.FromResult(condition()), what, ct, limit);
}
