using System.Collections.Concurrent;

namespace Insights.Processors.Movies;

/// <summary>
/// Session -> movie, for resolving tickets, held only for sessions whose showtime is within the retention of the
/// sessions' clock (the newest <see cref="SessionEntry.ClockMs"/> applied). A cinema chain adds thousands of sessions a
/// day and rarely deletes any, so without the bound this would grow with every showtime ever scheduled. The clock is
/// read from the data, not the wall, so a replay of the topic drops the same sessions as the live run did, and a
/// history loaded today (the demo's) keeps its sessions. One writer (the global thread); stream threads read.
/// </summary>
public sealed class SessionMovies(TimeSpan retention)
{
    private readonly ConcurrentDictionary<int, (int MovieId, long StartsAtMs)> sessions = new();
    // Showtimes in order, so expired sessions leave without a walk of the map. An entry of a session deleted or
    // re-timed since is stale: skipped when it comes up.
    private readonly PriorityQueue<int, long> byShowtime = new();
    private readonly object writer = new();
    private long clockMs = long.MinValue;
    private long expired;

    public TimeSpan Retention => retention;

    /// <summary>Sessions held.</summary>
    public int Count => sessions.Count;

    /// <summary>Entries of the showtime index, stale ones included: at most the sessions changed within the retention.</summary>
    public int Indexed
    {
        get { lock (writer) return byShowtime.Count; }
    }

    /// <summary>Sessions dropped, or not taken in, because their showtime was past the retention.</summary>
    public long Expired => Interlocked.Read(ref expired);

    /// <summary>Sessions that start before this (ms) are not held; <see cref="long.MinValue"/> until a session was applied.</summary>
    public long HorizonMs
    {
        get
        {
            var clock = Volatile.Read(ref clockMs);
            return clock == long.MinValue ? long.MinValue : clock - (long)retention.TotalMilliseconds;
        }
    }

    public int? MovieOf(int sessionId) => sessions.TryGetValue(sessionId, out var session) ? session.MovieId : null;

    /// <summary>Records a session, or forgets it when entry is null (deleted); then drops every session the clock has passed.</summary>
    public void Apply(int sessionId, SessionEntry? entry)
    {
        lock (writer)
        {
            if (entry is null)
            {
                sessions.TryRemove(sessionId, out _);
                return;
            }
            if (entry.ClockMs > clockMs) Volatile.Write(ref clockMs, entry.ClockMs);
            var horizon = HorizonMs;
            if (entry.StartsAtMs < horizon)
            {
                sessions.TryRemove(sessionId, out _);
                Interlocked.Increment(ref expired);
            }
            else
            {
                var known = sessions.TryGetValue(sessionId, out var before);
                sessions[sessionId] = (entry.MovieId, entry.StartsAtMs);
                if (!known || before.StartsAtMs != entry.StartsAtMs) byShowtime.Enqueue(sessionId, entry.StartsAtMs);
            }
            DropExpired(horizon);
        }
    }

    private void DropExpired(long horizon)
    {
        while (byShowtime.TryPeek(out var sessionId, out var startsAt) && startsAt < horizon)
        {
            byShowtime.Dequeue();
            if (sessions.TryGetValue(sessionId, out var held) && held.StartsAtMs == startsAt
                && sessions.TryRemove(KeyValuePair.Create(sessionId, held)))
                Interlocked.Increment(ref expired);
        }
    }
}
