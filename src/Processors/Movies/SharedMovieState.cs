using Insights.Propensity;
using Insights.Propensity.Catalog;
using Insights.Propensity.Collective;
using Insights.Propensity.Members;
using Insights.Propensity.Scoring;

namespace Insights.Processors.Movies;

/// <summary>
/// The movie-keyed state one worker process shares between its stream tasks: the catalog and the collective
/// state, both fed by global stores (every worker reads every partition of their topics). The model's
/// classes are single-threaded, so the global thread's writes and the tasks' scoring take one lock.
/// </summary>
public sealed class SharedMovieState
{
    private readonly object gate = new();
    private readonly System.Collections.Concurrent.ConcurrentDictionary<int, int> sessionMovies = new();
    private readonly CollectiveState collective;
    // Per member, the identity of the newest update applied: a member's updates share one partition, in order.
    private readonly Dictionary<int, (long EventOffset, int Index)> applied = [];
    private int[] candidates = [];
    private bool candidatesStale = true;

    public SharedMovieState(ModelSettings settings, IReadOnlyList<string> genreNames, double neighbourStaleness, int timelineRetentionDays)
    {
        Catalog = new MovieCatalog(genreNames);
        collective = new CollectiveState(settings, neighbourStaleness, timelineRetentionDays);
    }

    public MovieCatalog Catalog { get; }

    /// <summary>Newest source change time (ms) of any catalog entry: rises with every catalog change, replays included.</summary>
    public long CatalogChangedAtMs { get; private set; }

    /// <summary>Co-attendance updates applied so far (for readiness and reports).</summary>
    public long UpdatesApplied { get; private set; }

    /// <summary>Updates dropped because their identity was applied already (a replay after a worker crash).</summary>
    public long DuplicatesDropped { get; private set; }

    /// <summary>Records a session's movie, or forgets the session when movieId is null (deleted).</summary>
    public void ApplySession(int sessionId, int? movieId)
    {
        if (movieId is { } movie) sessionMovies[sessionId] = movie;
        else sessionMovies.TryRemove(sessionId, out _);
    }

    public int? MovieOfSession(int sessionId) => sessionMovies.TryGetValue(sessionId, out var movie) ? movie : null;

    public void Apply(CatalogEntry entry)
    {
        lock (gate)
        {
            var previous = Catalog.Find(entry.Movie.Id);
            Catalog.Upsert(entry.Movie);
            if (previous is null || IsCandidate(previous.Status) != IsCandidate(entry.Movie.Status)) candidatesStale = true;
            CatalogChangedAtMs = Math.Max(CatalogChangedAtMs, entry.UpdatedAtMs);
        }
    }

    public void Apply(CoAttendanceUpdate update)
    {
        lock (gate)
        {
            if (update.EventOffset >= 0)
            {
                if (applied.TryGetValue(update.MemberId, out var last) && (update.EventOffset, update.Index).CompareTo(last) <= 0)
                {
                    DuplicatesDropped++;
                    return;
                }
                applied[update.MemberId] = (update.EventOffset, update.Index);
            }
            collective.Apply(update.AsModelUpdate());
            UpdatesApplied++;
        }
    }

    public bool KnowsMovie(int movieId)
    {
        lock (gate) return Catalog.Contains(movieId);
    }

    /// <summary>The genre bits of a movie, 0 when the catalog does not know it (yet).</summary>
    public uint GenresOf(int movieId)
    {
        lock (gate) return Catalog.Find(movieId)?.Genres ?? 0;
    }

    /// <summary>Scores a member against every candidate movie (now showing or coming soon), in movie id order.</summary>
    public CandidateScore[] Score(PropensityScorer scorer, MemberState member, long atSeconds)
    {
        lock (gate)
        {
            if (candidatesStale)
            {
                candidates = Catalog.Ids.Where(id => IsCandidate(Catalog.Find(id)!.Status)).Order().ToArray();
                candidatesStale = false;
            }
            var scores = new CandidateScore[candidates.Length];
            scorer.Score(member, candidates, collective, atSeconds, scores);
            return scores;
        }
    }

    public static bool IsCandidate(MovieStatus status) => status is MovieStatus.NowShowing or MovieStatus.ComingSoon;
}
