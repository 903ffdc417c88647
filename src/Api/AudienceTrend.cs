namespace Insights.Api;

/// <summary>
/// Each coming-soon movie's expected audience (the sum of its audience's probabilities) as the API sampled it over time:
/// what the comparison's momentum reads. The samples are the API's own (<see cref="AudienceTrendSampler"/>) and live in its
/// memory for <see cref="Keep"/>: a restarted API has no momentum until it has sampled for a window. Thread-safe.
/// </summary>
public sealed class AudienceTrend(TimeSpan keep)
{
    private readonly Dictionary<int, Queue<TrendSample>> samples = [];

    public TimeSpan Keep { get; } = keep;

    public void Record(int movieId, DateTimeOffset at, double expected)
    {
        lock (samples)
        {
            if (!samples.TryGetValue(movieId, out var queue)) samples[movieId] = queue = new Queue<TrendSample>();
            queue.Enqueue(new TrendSample(at, expected));
            while (queue.Peek().At < at - Keep) queue.Dequeue();
        }
    }

    /// <summary>The newest sample taken at least <paramref name="window"/> before <paramref name="now"/>; null when none is that old.</summary>
    public TrendSample? Before(int movieId, DateTimeOffset now, TimeSpan window)
    {
        lock (samples)
        {
            if (!samples.TryGetValue(movieId, out var queue)) return null;
            TrendSample? found = null;
            foreach (var sample in queue)
            {
                if (sample.At > now - window) break;
                found = sample;
            }
            return found;
        }
    }
}

/// <summary>A movie's expected audience at one moment.</summary>
public readonly record struct TrendSample(DateTimeOffset At, double Expected);
