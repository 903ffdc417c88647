namespace Insights.Propensity.Collective;

/// <summary>
/// The collective view assembled from <see cref="MovieProfile"/>s, one per movie, as a worker receives them from
/// the movie owners: what the scorer reads when the collective state is partitioned by movie. Audience totals are
/// the sums of the profiles' cells, kept up to date as profiles are replaced. Not thread-safe.
/// </summary>
public sealed class MovieTable(ModelSettings settings) : ICollectiveView
{
    private readonly ModelSettings settings = settings.Validated();
    private Entry?[] movies = [];
    private readonly double[] cellTotals = new double[Members.AudienceCell.Count];
    private double totalAttendances;

    /// <summary>Profiles replaced so far (for readiness and reports).</summary>
    public long ProfilesApplied { get; private set; }

    /// <summary>Rises whenever any movie's attendance count changes: owners rebuild neighbour lists normalised by other movies' counts.</summary>
    public long CountsVersion { get; private set; }

    public int Count { get; private set; }

    public MovieProfile? Find(int movieId) => (uint)movieId < (uint)movies.Length ? movies[movieId]?.Profile : null;

    /// <summary>A movie's attendance count (0 when unknown).</summary>
    public float CountOf(int movieId) => (uint)movieId < (uint)movies.Length ? movies[movieId]?.Profile.Count ?? 0 : 0;

    public void Apply(MovieProfile profile)
    {
        if (profile.MovieId < 0) throw new ArgumentOutOfRangeException(nameof(profile), $"movie id {profile.MovieId} is negative");
        if (profile.AudienceCells.Length != Members.AudienceCell.Count)
            throw new ArgumentException($"movie {profile.MovieId}: {profile.AudienceCells.Length} audience cells, expected {Members.AudienceCell.Count}", nameof(profile));
        if (profile.MovieId >= movies.Length) Array.Resize(ref movies, Math.Max(profile.MovieId + 1, movies.Length * 2));
        var previous = movies[profile.MovieId];
        if (previous is null) Count++;
        Account(previous?.Profile, -1);
        Account(profile, +1);
        if (previous is null || previous.Profile.Count != profile.Count) CountsVersion++;
        movies[profile.MovieId] = new Entry(profile, PopularityTimeline.From(profile.TimelineDays, profile.TimelineTotals));
        ProfilesApplied++;
    }

    public void Remove(int movieId)
    {
        if ((uint)movieId >= (uint)movies.Length || movies[movieId] is not { } previous) return;
        Account(previous.Profile, -1);
        movies[movieId] = null;
        Count--;
        CountsVersion++;
    }

    public ReadOnlySpan<Neighbour> CoAttendanceNeighbours(int movieId) => Find(movieId)?.CoNeighbours ?? [];

    public ReadOnlySpan<Neighbour> FollowNeighbours(int movieId) => Find(movieId)?.FollowNeighbours ?? [];

    public MoviePopularity Popularity(int movieId, long atSeconds)
    {
        if ((uint)movieId >= (uint)movies.Length || movies[movieId] is not { } entry) return default;
        var day = (int)Math.Floor(atSeconds / 86400.0);
        if (entry.CachedDay != day)
        {
            (entry.CachedShort, entry.CachedLong) = entry.Timeline.Windows(day, settings.ShortWindowDays, settings.LongWindowDays);
            entry.CachedDay = day;
        }
        return new MoviePopularity(entry.Profile.Count, entry.CachedShort, entry.CachedLong, entry.Profile.Version);
    }

    public double AudienceShare(int movieId, byte audienceCell)
    {
        var prior = AudienceShare(audienceCell);
        if (Find(movieId) is not { } profile) return prior;
        // The same shrinkage as CollectiveState: a movie with three viewers does not claim a strong audience.
        const double priorWeight = 10;
        return (profile.AudienceCells[audienceCell] + priorWeight * prior) / (profile.Count + priorWeight);
    }

    public double AudienceShare(byte audienceCell) =>
        (cellTotals[audienceCell] + 1.0) / (totalAttendances + Members.AudienceCell.Count);

    private void Account(MovieProfile? profile, int sign)
    {
        if (profile is null) return;
        for (var c = 0; c < cellTotals.Length; c++)
        {
            cellTotals[c] += sign * (double)profile.AudienceCells[c];
            totalAttendances += sign * (double)profile.AudienceCells[c];
        }
    }

    private sealed class Entry(MovieProfile profile, PopularityTimeline timeline)
    {
        public MovieProfile Profile { get; } = profile;
        public PopularityTimeline Timeline { get; } = timeline;
        public int CachedDay = int.MinValue;
        public float CachedShort;
        public float CachedLong;
    }
}
