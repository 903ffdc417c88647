namespace Insights.Processors.Topology;

/// <summary>The topics the processors own besides the scores and dead-letter topics (Contracts' TopicNames).</summary>
public static class ProcessorTopics
{
    /// <summary>Compacted, keyed by session id: the session's movie id; read as a global table by the ticket join.</summary>
    public const string Sessions = "insights.sessions";

    /// <summary>Compacted, keyed by movie id: the movie catalog (<see cref="Movies.CatalogEntry"/>); a global store on every worker.</summary>
    public const string Catalog = "insights.catalog";

    /// <summary>Compacted, keyed by movie id: each movie's collective signals (<see cref="Propensity.Collective.MovieProfile"/>); a global store on every worker.</summary>
    public const string MovieProfiles = "insights.movie.profiles";

    public const string MemberEventsRepartition = "member-events";

    /// <summary>Member tasks' attendance changes on their way to the movie partitions (<see cref="Movies.CollectiveBatch"/>).</summary>
    public const string CollectiveDeltasRepartition = "collective-deltas";

    public const string MemberStore = "member-state";

    /// <summary>The rows of the movies a movie task owns, cell by cell.</summary>
    public const string MovieStore = "movie-collective";
    public const string WaitingTicketsStore = "tickets-waiting";

    public static string RepartitionTopic(string applicationId, string name = MemberEventsRepartition) => $"{applicationId}-{name}-repartition";
    public static string ChangelogTopic(string applicationId, string store = MemberStore) => $"{applicationId}-{store}-changelog";
}
