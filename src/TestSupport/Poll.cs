using System.Diagnostics;

namespace Insights.TestSupport;

/// <summary>
/// The benches' and the process tests' one way to wait for something they cannot be told about (a file, offsets on a broker, scores on a
/// topic): look again every <c>interval</c> until it holds or the limit passes.
/// </summary>
public static class Poll
{
    public static readonly TimeSpan DefaultInterval = TimeSpan.FromMilliseconds(50);

    /// <summary>Returns once <paramref name="condition"/> holds; throws <see cref="WaitTimedOut"/> naming <paramref name="what"/> after <paramref name="limit"/>.</summary>
    public static async Task UntilAsync(Func<Task<bool>> condition, Func<string> what, TimeSpan limit, CancellationToken ct, TimeSpan? interval = null)
    {
        var clock = Stopwatch.StartNew();
        while (!await condition())
        {
            if (clock.Elapsed > limit) throw new WaitTimedOut($"timed out after {limit.TotalSeconds:0} s waiting for {what()}");
            await Task.Delay(interval ?? DefaultInterval, ct);
        }
    }

    public static Task UntilAsync(Func<bool> condition, Func<string> what, TimeSpan limit, CancellationToken ct, TimeSpan? interval = null) =>
        UntilAsync(() => Task.FromResult(condition()), what, limit, ct, interval);
}

/// <summary>A wait that ran out of time; the message names what was awaited.</summary>
public sealed class WaitTimedOut(string message) : Exception(message);
