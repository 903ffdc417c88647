namespace Insights.Propensity.Collective;

/// <summary>
/// In-process collective state: <see cref="MovieStatistics"/> per movie plus audience totals. Applying a
/// <see cref="CoAttendance"/> with sign -1 retracts exactly what the same update with +1 added, as long
/// as the member's neighbouring movies are the same. Reads rebuild a movie's neighbour lists when the
/// number of updates since the last build exceeds <c>staleness</c> x (its count + co-attended movies) (0 = always exact).
/// Popularity can be read at any time within <c>timelineRetentionDays</c> of the newest attendance.
/// <para>
/// A movie-partitioned processor holds the rows of the movies it owns only: <c>owns</c> says which (null = all),
/// and an update changes just the owned rows it touches; <c>countOf</c> gives other movies' counts for the
/// cosine normalisation (null = this state's own rows). Summed over owners, the rows equal one full state's.
/// </para>
/// Not thread-safe: one instance per processing thread or partition.
/// </summary>
public sealed class CollectiveState(ModelSettings settings, double staleness = 0, int timelineRetentionDays = 400,
    Func<int, bool>? owns = null, Func<int, float>? countOf = null) : ICollectiveView
{
    private const double DaySeconds = 86400;
    private readonly ModelSettings settings = settings.Validated();
    private MovieStatistics?[] movies = [];
    private readonly float[] cellTotals = new float[Members.AudienceCell.Count];
    private readonly List<(int Movie, float Weight)> rowScratch = [];

    public float TotalAttendances { get; private set; }

    public MovieStatistics? Find(int movieId) => (uint)movieId < (uint)movies.Length ? movies[movieId] : null;

    public void Apply(in CoAttendance update)
    {
        if (update.Sign == 0) return;
        float sign = update.Sign;
        var movieId = update.MovieId;
        var target = Owns(movieId) ? Get(movieId) : null;
        if (target is not null)
        {
            target.Count = Math.Max(0, target.Count + sign);
            target.Timeline.Add(DayOf(update.AtSeconds), sign, Math.Max(timelineRetentionDays, settings.LongWindowDays));
            target.CachedDay = int.MinValue;
            target.Version++;
            target.AudienceCells[update.AudienceCell] += sign;
            cellTotals[update.AudienceCell] += sign;
            TotalAttendances += sign;
            MarkChanged(target);
        }

        foreach (var other in update.Before) AddPair(target, movieId, other, sign);
        foreach (var other in update.After) AddPair(target, movieId, other, sign);

        var before = update.Before;
        for (var gap = 1; gap <= settings.FollowWindow && gap <= before.Length; gap++)
        {
            var earlier = before[^gap];
            if (earlier == movieId || !Owns(earlier)) continue;
            var source = Get(earlier);
            Add(source.Follow, movieId, sign * GapWeight(gap));
            MarkChanged(source);
        }
        var after = update.After;
        // The movie lands between (or leaves from between) attendances it separates: each pair across it moves one gap
        // apart (or closer), so the rows end as the time-ordered history leaves them whatever order tickets arrive in
        // (a member's tickets reach its task from several partitions, and a restart replays one behind the others).
        for (var gapBefore = 1; gapBefore <= settings.FollowWindow && gapBefore <= before.Length; gapBefore++)
        {
            var earlier = before[^gapBefore];
            if (!Owns(earlier)) continue;
            for (var gapAfter = 1; gapBefore + gapAfter - 1 <= settings.FollowWindow && gapAfter <= after.Length; gapAfter++)
            {
                var later = after[gapAfter - 1];
                if (later == earlier) continue;
                var source = Get(earlier);
                Add(source.Follow, later, sign * (FollowWeight(gapBefore + gapAfter) - GapWeight(gapBefore + gapAfter - 1)));
                MarkChanged(source);
            }
        }
        if (target is null) return;
        for (var gap = 1; gap <= settings.FollowWindow && gap <= after.Length; gap++)
        {
            if (after[gap - 1] == movieId) continue;
            Add(target.Follow, after[gap - 1], sign * GapWeight(gap));
        }
    }

    /// <summary>Whether this state holds the movie's row (a movie-partitioned owner holds some movies only).</summary>
    public bool Owns(int movieId) => owns is null || owns(movieId);

    /// <summary>The movies whose rows this state holds.</summary>
    public IEnumerable<int> MovieIds()
    {
        for (var id = 0; id < movies.Length; id++) if (movies[id] is not null) yield return id;
    }

    /// <summary>Whether the movie's neighbour lists would be rebuilt on their next read (its row changed enough).</summary>
    public bool NeighboursStale(int movieId) => Find(movieId) is { } stats && IsStale(stats);

    /// <summary>Makes every neighbour list rebuild on its next read (other movies' counts changed).</summary>
    public void InvalidateNeighbours()
    {
        foreach (var stats in movies) if (stats is not null) stats.UpdatesSinceBuild = int.MaxValue / 2;
    }

    /// <summary>What readers of a movie-keyed table need of one movie: counts, timeline, audience mix and neighbour lists.</summary>
    public MovieProfile? Profile(int movieId)
    {
        var stats = Find(movieId);
        if (stats is null) return null;
        Refresh(stats);
        return new MovieProfile(movieId, stats.Count, stats.Version, stats.AudienceCounts(),
            stats.Timeline.Days.ToArray(), stats.Timeline.Totals.ToArray(),
            stats.CoNeighbours.AsSpan(0, stats.CoNeighbourCount).ToArray(), stats.FollowNeighbours.AsSpan(0, stats.FollowNeighbourCount).ToArray());
    }

    /// <summary>The raw row of a movie, for persisting it; null when this state has none.</summary>
    public MovieStatistics? Row(int movieId) => Find(movieId);

    /// <summary>Puts back a persisted row (after a restart): the counters and raw maps as they were.</summary>
    public void Restore(int movieId, float count, int version, ReadOnlySpan<float> audienceCells, ReadOnlySpan<int> timelineDays,
        ReadOnlySpan<float> timelineTotals, IEnumerable<KeyValuePair<int, float>> coAttendance, IEnumerable<KeyValuePair<int, float>> follow)
    {
        var stats = Get(movieId);
        stats.Count = count;
        stats.Version = version;
        for (var c = 0; c < audienceCells.Length && c < Members.AudienceCell.Count; c++)
        {
            cellTotals[c] += audienceCells[c] - stats.AudienceCells[c];
            TotalAttendances += audienceCells[c] - stats.AudienceCells[c];
            stats.AudienceCells[c] = audienceCells[c];
        }
        stats.Timeline.Reset(timelineDays, timelineTotals);
        stats.CoAttendance.Clear();
        foreach (var (other, value) in coAttendance) stats.CoAttendance[other] = value;
        stats.Follow.Clear();
        foreach (var (other, value) in follow) stats.Follow[other] = value;
        stats.CachedDay = int.MinValue;
        stats.UpdatesSinceBuild = int.MaxValue / 2;
    }

    public ReadOnlySpan<Neighbour> CoAttendanceNeighbours(int movieId)
    {
        var stats = Find(movieId);
        if (stats is null) return [];
        Refresh(stats);
        return stats.CoNeighbours.AsSpan(0, stats.CoNeighbourCount);
    }

    public ReadOnlySpan<Neighbour> FollowNeighbours(int movieId)
    {
        var stats = Find(movieId);
        if (stats is null) return [];
        Refresh(stats);
        return stats.FollowNeighbours.AsSpan(0, stats.FollowNeighbourCount);
    }

    public MoviePopularity Popularity(int movieId, long atSeconds)
    {
        var stats = Find(movieId);
        if (stats is null) return default;
        var day = DayOf(atSeconds);
        if (stats.CachedDay != day)
        {
            (stats.CachedShort, stats.CachedLong) = stats.Timeline.Windows(day, settings.ShortWindowDays, settings.LongWindowDays);
            stats.CachedDay = day;
        }
        return new MoviePopularity(stats.Count, stats.CachedShort, stats.CachedLong, stats.Version);
    }

    public double AudienceShare(int movieId, byte audienceCell)
    {
        var stats = Find(movieId);
        var prior = AudienceShare(audienceCell);
        if (stats is null) return prior;
        // Shrink towards the overall mix so a movie with three viewers does not claim a strong audience.
        const double priorWeight = 10;
        return (stats.AudienceCells[audienceCell] + priorWeight * prior) / (stats.Count + priorWeight);
    }

    public double AudienceShare(byte audienceCell) =>
        (cellTotals[audienceCell] + 1.0) / (TotalAttendances + Members.AudienceCell.Count);

    /// <summary>Rebuilds every stale neighbour list now (e.g. before a batch of reads).</summary>
    public void RefreshAll()
    {
        foreach (var stats in movies) if (stats is not null) Refresh(stats);
    }

    private bool IsStale(MovieStatistics stats) => stats.UpdatesSinceBuild != 0 && stats.UpdatesSinceBuild > staleness * stats.RowWeightAtBuild;

    private void Refresh(MovieStatistics stats)
    {
        if (!IsStale(stats)) return;
        BuildNeighbours(stats, stats.CoAttendance, ref stats.CoNeighbours, out stats.CoNeighbourCount);
        BuildNeighbours(stats, stats.Follow, ref stats.FollowNeighbours, out stats.FollowNeighbourCount);
        stats.UpdatesSinceBuild = 0;
        stats.RowWeightAtBuild = stats.Count + stats.CoAttendance.Count;
    }

    // Cosine normalisation: pairs / sqrt(count_i * count_j), so blockbusters do not neighbour everything.
    private void BuildNeighbours(MovieStatistics stats, Dictionary<int, float> row, ref Neighbour[] list, out int listCount)
    {
        rowScratch.Clear();
        var selfNorm = Math.Max(1f, stats.Count);
        foreach (var (other, pairs) in row)
        {
            if (pairs <= 0) continue;
            var otherCount = Math.Max(1f, countOf is null ? Find(other)?.Count ?? 1f : countOf(other));
            rowScratch.Add((other, pairs / MathF.Sqrt(selfNorm * otherCount)));
        }
        rowScratch.Sort(static (a, b) => b.Weight != a.Weight ? b.Weight.CompareTo(a.Weight) : a.Movie.CompareTo(b.Movie));
        listCount = Math.Min(settings.NeighbourCount, rowScratch.Count);
        if (list.Length < listCount) list = new Neighbour[Math.Min(settings.NeighbourCount, Math.Max(listCount, list.Length * 2))];
        for (var i = 0; i < listCount; i++) list[i] = new Neighbour(rowScratch[i].Movie, rowScratch[i].Weight);
    }

    private void AddPair(MovieStatistics? target, int movieId, int other, float sign)
    {
        if (other == movieId) return;
        if (target is not null) Add(target.CoAttendance, other, sign);
        if (!Owns(other)) return;
        var otherStats = Get(other);
        Add(otherStats.CoAttendance, movieId, sign);
        MarkChanged(otherStats);
    }

    private static void Add(Dictionary<int, float> row, int key, float delta)
    {
        ref var value = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(row, key, out _);
        value += delta;
        if (Math.Abs(value) < 1e-6f) row.Remove(key);
    }

    // Saturating: a movie that is updated for years and never read must not wrap around to "fresh".
    private static void MarkChanged(MovieStatistics stats)
    {
        if (stats.UpdatesSinceBuild < int.MaxValue) stats.UpdatesSinceBuild++;
    }

    private float GapWeight(int gap) => (float)Math.Exp(-(gap - 1) / settings.FollowGapDecay);

    // Beyond the window a pair no longer counts.
    private float FollowWeight(int gap) => gap <= settings.FollowWindow ? GapWeight(gap) : 0;

    private MovieStatistics Get(int movieId)
    {
        if (movieId < 0) throw new ArgumentOutOfRangeException(nameof(movieId), $"movie id {movieId} is negative");
        if (movieId >= movies.Length) Array.Resize(ref movies, Math.Max(movieId + 1, movies.Length * 2));
        return movies[movieId] ??= new MovieStatistics();
    }

    private static int DayOf(long atSeconds) => (int)Math.Floor(atSeconds / DaySeconds);

}
