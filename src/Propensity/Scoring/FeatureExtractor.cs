using Insights.Propensity.Catalog;
using Insights.Propensity.Collective;
using Insights.Propensity.Members;

namespace Insights.Propensity.Scoring;

/// <summary>
/// Computes the feature vectors of one member against a list of candidate movies. Neighbour features are
/// gathered by walking the neighbour lists of the member's recent movies once and scattering into the
/// candidates' slots (slot lookup is an array indexed by movie id), so the cost is
/// recent x neighbours + candidates, independent of catalog size. Scratch buffers are reused: no
/// allocation per call once warm. Not thread-safe; use one extractor per thread.
/// </summary>
public sealed class FeatureExtractor
{
    private const double DaySeconds = 86400;
    private const double UnknownReleaseAgeDays = 3650;
    private readonly ModelSettings settings;
    private readonly MovieCatalog catalog;
    private readonly float[] recencyWeights;
    private int[] slotOf = [];
    private float[] sequenceScores = [];
    private float[] coScores = [];
    private bool[] seen = [];

    // Movie-level features (three popularity logs and the release-age log) per movie id, valid while the
    // movie's popularity version and the day are unchanged: most candidates hit this on most events.
    private int[] movieVersion = [];
    private int[] movieDay = [];
    private float[] movieFeatures = [];
    private const int MovieFeatureCount = 4;
    private ICollectiveView? cachedView;
    private readonly float[] affinity = new float[MovieCatalog.MaxGenres];

    public FeatureExtractor(ModelSettings settings, MovieCatalog catalog)
    {
        this.settings = settings.Validated();
        this.catalog = catalog;
        recencyWeights = new float[settings.RecentItems];
        for (var a = 0; a < recencyWeights.Length; a++) recencyWeights[a] = (float)Math.Exp(-a / settings.RecencyDecayEvents);
    }

    public static int Width => FeatureNames.Count;

    /// <summary>Whether the member has seen candidate c, as of the last <see cref="Extract"/> call.</summary>
    public ReadOnlySpan<bool> Seen(int candidateCount) => seen.AsSpan(0, candidateCount);

    /// <summary>Writes candidates.Length rows of <see cref="Width"/> features into destination.</summary>
    public void Extract(MemberState member, ReadOnlySpan<int> candidates, ICollectiveView view, long atSeconds, Span<float> destination)
    {
        var width = Width;
        if (destination.Length < candidates.Length * width)
            throw new ArgumentException($"destination holds {destination.Length} values, {candidates.Length * width} needed", nameof(destination));
        Prepare(candidates);
        if (!ReferenceEquals(view, cachedView))
        {
            // Versions are per view: another view's movie 7 at version 3 is different data.
            movieDay.AsSpan().Fill(int.MinValue);
            cachedView = view;
        }
        MarkSeen(member);
        GatherNeighbourScores(member, view);

        var genreCount = catalog.GenreNames.Count;
        member.GenreAffinityAtTime(atSeconds, settings.GenreAffinityDecayDays, affinity);
        double affinityNorm = 0;
        for (var g = 0; g < genreCount; g++) affinityNorm += affinity[g] * affinity[g];
        affinityNorm = Math.Sqrt(affinityNorm);

        var nowDay = (int)Math.Floor(atSeconds / DaySeconds);
        var frequency = (float)Math.Log(1 + member.Count);
        var idleDays = member.LastAt is { } last ? (float)Math.Log(1 + Math.Max(0, (atSeconds - last) / DaySeconds)) : 0f;
        var cell = member.AudienceCell;
        var cellShare = cell == AudienceCell.Unknown ? 1 : view.AudienceShare(cell);

        for (var c = 0; c < candidates.Length; c++)
        {
            var movieId = candidates[c];
            var row = destination.Slice(c * width, width);
            row[FeatureNames.Sequence] = MathF.Log(1 + 10 * sequenceScores[c]);
            row[FeatureNames.CoAttendance] = MathF.Log(1 + 10 * coScores[c]);

            var movie = catalog.Find(movieId);
            var movieLevel = MovieLevelFeatures(movieId, movie, view.Popularity(movieId, atSeconds), nowDay);
            row[FeatureNames.Popularity] = movieLevel[0];
            row[FeatureNames.ShortWindow] = movieLevel[1];
            row[FeatureNames.LongWindow] = movieLevel[2];
            row[FeatureNames.ReleaseAge] = movieLevel[3];
            row[FeatureNames.GenreAffinity] = movie is null ? 0 : GenreCosine(movie.Genres, genreCount, affinityNorm);
            row[FeatureNames.AudienceMatch] = cell == AudienceCell.Unknown ? 0 : MathF.Log((float)(view.AudienceShare(movieId, cell) / cellShare));
            row[FeatureNames.MemberFrequency] = frequency;
            row[FeatureNames.MemberIdleDays] = idleDays;
        }
        Release(candidates);
    }

    private ReadOnlySpan<float> MovieLevelFeatures(int movieId, Movie? movie, MoviePopularity popularity, int nowDay)
    {
        var cached = movieFeatures.AsSpan(movieId * MovieFeatureCount, MovieFeatureCount);
        if (movieVersion[movieId] == popularity.Version && movieDay[movieId] == nowDay) return cached;
        cached[0] = MathF.Log(1 + popularity.Total);
        cached[1] = MathF.Log(1 + popularity.ShortWindow);
        cached[2] = MathF.Log(1 + popularity.LongWindow);
        // Whole days, so the value can be cached for the day.
        var releaseAge = movie?.ReleaseDay is { } release ? Math.Max(0, nowDay - release) : UnknownReleaseAgeDays;
        cached[3] = MathF.Log(1 + (float)releaseAge);
        movieVersion[movieId] = popularity.Version;
        movieDay[movieId] = nowDay;
        return cached;
    }

    private float GenreCosine(uint genres, int genreCount, double affinityNorm)
    {
        if (affinityNorm <= 0 || genres == 0) return 0;
        double dot = 0;
        for (var bits = genres; bits != 0; bits &= bits - 1)
        {
            var g = System.Numerics.BitOperations.TrailingZeroCount(bits);
            if (g < genreCount) dot += affinity[g];
        }
        return (float)(dot / (affinityNorm * Math.Sqrt(System.Numerics.BitOperations.PopCount(genres))));
    }

    private void Prepare(ReadOnlySpan<int> candidates)
    {
        var maxId = catalog.IdLimit;
        foreach (var id in candidates)
        {
            if (id < 0) throw new ArgumentOutOfRangeException(nameof(candidates), $"movie id {id} is negative");
            if (id >= maxId) maxId = id + 1;
        }
        if (slotOf.Length < maxId)
        {
            var oldSize = slotOf.Length;
            var size = Math.Max(maxId, oldSize * 2);
            Array.Resize(ref slotOf, size);
            Array.Resize(ref movieVersion, size);
            Array.Resize(ref movieDay, size);
            Array.Resize(ref movieFeatures, size * MovieFeatureCount);
            movieDay.AsSpan(oldSize).Fill(int.MinValue); // new entries hold nothing yet
        }
        if (sequenceScores.Length < candidates.Length)
        {
            sequenceScores = new float[Math.Max(candidates.Length, sequenceScores.Length * 2)];
            coScores = new float[sequenceScores.Length];
            seen = new bool[sequenceScores.Length];
        }
        for (var c = 0; c < candidates.Length; c++)
        {
            slotOf[candidates[c]] = c + 1;
            sequenceScores[c] = 0;
            coScores[c] = 0;
            seen[c] = false;
        }
    }

    // One pass over the member's movies instead of a search per candidate.
    private void MarkSeen(MemberState member)
    {
        var slots = slotOf;
        foreach (var movie in member.Movies)
        {
            if ((uint)movie >= (uint)slots.Length) continue;
            var slot = slots[movie];
            if (slot != 0) seen[slot - 1] = true;
        }
    }

    private void Release(ReadOnlySpan<int> candidates)
    {
        foreach (var id in candidates) slotOf[id] = 0;
    }

    private void GatherNeighbourScores(MemberState member, ICollectiveView view)
    {
        var movies = member.Movies;
        var recent = Math.Min(movies.Length, recencyWeights.Length);
        var slots = slotOf;
        for (var a = 0; a < recent; a++)
        {
            var source = movies[movies.Length - 1 - a];
            var weight = recencyWeights[a];
            foreach (var n in view.FollowNeighbours(source))
            {
                if ((uint)n.MovieId >= (uint)slots.Length) continue;
                var slot = slots[n.MovieId];
                if (slot != 0) sequenceScores[slot - 1] += weight * n.Weight;
            }
            foreach (var n in view.CoAttendanceNeighbours(source))
            {
                if ((uint)n.MovieId >= (uint)slots.Length) continue;
                var slot = slots[n.MovieId];
                if (slot != 0) coScores[slot - 1] += weight * n.Weight;
            }
        }
    }
}
