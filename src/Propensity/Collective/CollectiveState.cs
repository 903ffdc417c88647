namespace Insights.Propensity.Collective;

/// <summary>
/// In-process collective state: <see cref="MovieStatistics"/> per movie plus audience totals. Applying a
/// <see cref="CoAttendance"/> with sign -1 retracts exactly what the same update with +1 added, as long
/// as the member's neighbouring movies are the same. Reads rebuild a movie's neighbour lists when the
/// number of updates since the last build exceeds <c>staleness</c> x (its count + co-attended movies) (0 = always exact).
/// Popularity can be read at any time within <c>timelineRetentionDays</c> of the newest attendance.
/// Not thread-safe: one instance per processing thread or partition.
/// </summary>
public sealed class CollectiveState(ModelSettings settings, double staleness = 0, int timelineRetentionDays = 400) : ICollectiveView
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
        var target = Get(update.MovieId);
        target.Count = Math.Max(0, target.Count + sign);
        target.Timeline.Add(DayOf(update.AtSeconds), sign, Math.Max(timelineRetentionDays, settings.LongWindowDays));
        target.CachedDay = int.MinValue;
        target.Version++;
        target.AudienceCells[update.AudienceCell] += sign;
        cellTotals[update.AudienceCell] += sign;
        TotalAttendances += sign;
        MarkChanged(target);

        foreach (var other in update.Before) AddPair(target, update.MovieId, other, sign);
        foreach (var other in update.After) AddPair(target, update.MovieId, other, sign);

        var before = update.Before;
        for (var gap = 1; gap <= settings.FollowWindow && gap <= before.Length; gap++)
        {
            var earlier = before[^gap];
            if (earlier == update.MovieId) continue;
            var source = Get(earlier);
            Add(source.Follow, update.MovieId, sign * GapWeight(gap));
            MarkChanged(source);
        }
        var after = update.After;
        for (var gap = 1; gap <= settings.FollowWindow && gap <= after.Length; gap++)
        {
            if (after[gap - 1] == update.MovieId) continue;
            Add(target.Follow, after[gap - 1], sign * GapWeight(gap));
        }
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

    private void Refresh(MovieStatistics stats)
    {
        if (stats.UpdatesSinceBuild == 0 || stats.UpdatesSinceBuild <= staleness * stats.RowWeightAtBuild) return;
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
            var otherCount = Math.Max(1f, Find(other)?.Count ?? 1f);
            rowScratch.Add((other, pairs / MathF.Sqrt(selfNorm * otherCount)));
        }
        rowScratch.Sort(static (a, b) => b.Weight != a.Weight ? b.Weight.CompareTo(a.Weight) : a.Movie.CompareTo(b.Movie));
        listCount = Math.Min(settings.NeighbourCount, rowScratch.Count);
        if (list.Length < listCount) list = new Neighbour[Math.Min(settings.NeighbourCount, Math.Max(listCount, list.Length * 2))];
        for (var i = 0; i < listCount; i++) list[i] = new Neighbour(rowScratch[i].Movie, rowScratch[i].Weight);
    }

    private void AddPair(MovieStatistics target, int movieId, int other, float sign)
    {
        if (other == movieId) return;
        Add(target.CoAttendance, other, sign);
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

    private MovieStatistics Get(int movieId)
    {
        if (movieId < 0) throw new ArgumentOutOfRangeException(nameof(movieId), $"movie id {movieId} is negative");
        if (movieId >= movies.Length) Array.Resize(ref movies, Math.Max(movieId + 1, movies.Length * 2));
        return movies[movieId] ??= new MovieStatistics();
    }

    private static int DayOf(long atSeconds) => (int)Math.Floor(atSeconds / DaySeconds);

}
