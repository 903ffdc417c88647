using System.Collections.Concurrent;
using Insights.Propensity;
using Insights.Propensity.Catalog;
using Insights.Propensity.Collective;
using Insights.Propensity.Members;
using Insights.Propensity.Scoring;

namespace Insights.Processors.Movies;

/// <summary>
/// The movie-keyed state one worker process shares between its stream tasks: the sessions' movies, the catalog and the
/// movie profiles (the collective signals each movie's owner publishes), all fed by global stores (every worker reads
/// every partition of their topics). The model's classes are single-threaded, so the global thread's writes and the
/// tasks' reads take one lock; a profile is replaced whole, so the lock is held briefly. The two catalog reads every
/// ticket makes (is the movie known, its genres) do not take it: the global thread applies profiles under that lock
/// all through a busy drain, and in a profiled drain the stream thread spent 14% of its time waiting there.
/// </summary>
public sealed class SharedMovieState
{
    private readonly object gate = new();
    // Each known movie's genre bits, written with the catalog under the lock, read without it.
    private readonly ConcurrentDictionary<int, uint> genres = new();
    private readonly MovieTable profiles;
    private int[] candidates = [];
    private bool candidatesStale = true;

    public SharedMovieState(ModelSettings settings, IReadOnlyList<string> genreNames, TimeSpan sessionRetention)
    {
        Catalog = new MovieCatalog(genreNames);
        profiles = new MovieTable(settings);
        Sessions = new SessionMovies(sessionRetention);
    }

    public MovieCatalog Catalog { get; }

    /// <summary>Session -> movie for the sessions within the retention (it has its own synchronisation).</summary>
    public SessionMovies Sessions { get; }

    /// <summary>Newest source change time (ms) of any catalog entry: rises with every catalog change, replays included.</summary>
    public long CatalogChangedAtMs { get; private set; }

    private long duplicatesSkipped;

    /// <summary>Attendance changes this process's movie tasks skipped as already applied (batches resent after a crash).</summary>
    public long DuplicatesSkipped => Interlocked.Read(ref duplicatesSkipped);

    public void CountDuplicateSkipped() => Interlocked.Increment(ref duplicatesSkipped);

    /// <summary>Movie profiles received so far (for readiness and reports).</summary>
    public long ProfilesApplied
    {
        get { lock (gate) return profiles.ProfilesApplied; }
    }

    /// <summary>Rises whenever a movie's attendance count changes in the profiles.</summary>
    public long CountsVersion
    {
        get { lock (gate) return profiles.CountsVersion; }
    }

    /// <summary>Attendances counted over all movie profiles: equals the attendances held once the profiles caught up.</summary>
    public double AttendancesCounted
    {
        get
        {
            lock (gate)
            {
                double total = 0;
                foreach (var id in ProfileIds()) total += profiles.CountOf(id);
                return total;
            }
        }
    }

    /// <summary>Every movie's attendance count as the profiles show it, indexed by movie id.</summary>
    public float[] Counts()
    {
        lock (gate)
        {
            var ids = ProfileIds().ToList();
            var counts = new float[ids.Count == 0 ? 0 : ids.Max() + 1];
            foreach (var id in ids) counts[id] = profiles.CountOf(id);
            return counts;
        }
    }

    private IEnumerable<int> ProfileIds()
    {
        for (var id = 0; id < profileIdLimit; id++) if (profiles.Find(id) is not null) yield return id;
    }

    private int profileIdLimit;

    public void Apply(CatalogEntry entry)
    {
        lock (gate)
        {
            var previous = Catalog.Find(entry.Movie.Id);
            Catalog.Upsert(entry.Movie);
            genres[entry.Movie.Id] = entry.Movie.Genres;
            if (previous is null || IsCandidate(previous.Status) != IsCandidate(entry.Movie.Status)) candidatesStale = true;
            CatalogChangedAtMs = Math.Max(CatalogChangedAtMs, entry.UpdatedAtMs);
        }
    }

    /// <summary>
    /// Newest publishing time (ms, the owners' wall clocks) of any movie profile received: it only moves forward, and a
    /// worker taking over members has read, from the profiles topic, every profile the previous owner had.
    /// </summary>
    public long ProfilesPublishedAtMs
    {
        get { lock (gate) return profilesPublishedAtMs; }
    }

    private long profilesPublishedAtMs;

    public void Apply(PublishedProfile published)
    {
        var profile = published.Profile;
        lock (gate)
        {
            profiles.Apply(profile);
            profilesPublishedAtMs = Math.Max(profilesPublishedAtMs, published.PublishedAtMs);
            profileIdLimit = Math.Max(profileIdLimit, profile.MovieId + 1);
        }
    }

    public MovieProfile? Profile(int movieId)
    {
        lock (gate) return profiles.Find(movieId);
    }

    public bool KnowsMovie(int movieId) => genres.ContainsKey(movieId);

    /// <summary>The genre bits of a movie, 0 when the catalog does not know it (yet).</summary>
    public uint GenresOf(int movieId) => genres.GetValueOrDefault(movieId);

    /// <summary>
    /// Scores a member against every candidate movie (now showing or coming soon), in movie id order, into the caller's
    /// buffer (replaced by a larger one when the candidates outgrew it): a score per member event would otherwise
    /// allocate an array each time.
    /// </summary>
    public Span<CandidateScore> Score(PropensityScorer scorer, MemberState member, long atSeconds, ref CandidateScore[] buffer)
    {
        lock (gate)
        {
            if (candidatesStale)
            {
                candidates = Catalog.Ids.Where(id => IsCandidate(Catalog.Find(id)!.Status)).Order().ToArray();
                candidatesStale = false;
            }
            if (buffer.Length < candidates.Length) buffer = new CandidateScore[candidates.Length];
            var scores = buffer.AsSpan(0, candidates.Length);
            scorer.Score(member, candidates, profiles, atSeconds, scores);
            return scores;
        }
    }

    public static bool IsCandidate(MovieStatus status) => status is MovieStatus.NowShowing or MovieStatus.ComingSoon;
}
