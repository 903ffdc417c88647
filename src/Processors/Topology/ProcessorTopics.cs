namespace Insights.Processors.Topology;

/// <summary>The topics the processors own besides the scores and dead-letter topics (Contracts' TopicNames).</summary>
public static class ProcessorTopics
{
    /// <summary>Compacted, keyed by session id: the session's movie id; read as a global table by the ticket join.</summary>
    public const string Sessions = "insights.sessions";

    /// <summary>Compacted, keyed by movie id: the movie catalog (<see cref="Movies.CatalogEntry"/>); a global store on every worker.</summary>
    public const string Catalog = "insights.catalog";

    /// <summary>Keyed by member id (a member's updates in order in one partition): every attendance change (<see cref="Movies.CoAttendanceUpdate"/>); a global store on every worker.</summary>
    public const string CollectiveUpdates = "insights.collective.updates";

    public const string MemberEventsRepartition = "member-events";
    public const string MemberStore = "member-state";
    public const string WaitingTicketsStore = "tickets-waiting";

    public static string RepartitionTopic(string applicationId) => $"{applicationId}-{MemberEventsRepartition}-repartition";
    public static string ChangelogTopic(string applicationId, string store = MemberStore) => $"{applicationId}-{store}-changelog";
}
