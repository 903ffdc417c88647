using Insights.Contracts.Cinema;
using Insights.Processors.Hosting;
using Insights.Propensity.Scoring;

namespace Insights.Processors;

/// <summary>
/// What a worker's topology is built from: names, partition counts, the model and the pacing of score emission. The
/// defaults are the worker settings' (<see cref="WorkerSettings"/> declares each setting once), so a topology test and a
/// deployed worker start from the same values.
/// </summary>
public sealed record ProcessorOptions
{
    public string ApplicationId { get; init; } = WorkerSettings.Defaults.ApplicationId;
    public string TopicPrefix { get; init; } = WorkerSettings.Defaults.TopicPrefix;

    /// <summary>Partitions of the CDC topics and of the member-keyed internal topics (the unit of scale-out).</summary>
    public int Partitions { get; init; } = WorkerSettings.Defaults.Partitions;

    public required PropensityModel Model { get; init; }

    /// <summary>
    /// The tickets topic is keyed by member and partitioned like the members topic (see WorkerSettings.TicketsKeyedByMember):
    /// a member's tickets and member row are read by the same task, with no repartition hop.
    /// </summary>
    public bool TicketsKeyedByMember { get; init; } = WorkerSettings.Defaults.TicketsKeyedByMember;

    /// <summary>
    /// A commit is one Kafka transaction (exactly once): its changelog records, forwarded records and input offsets
    /// commit together or not at all.
    /// </summary>
    public bool TransactionalCommits { get; init; }

    /// <summary>The genre names a movie's SET column may hold, in bit order (schema/cinema.sql).</summary>
    public IReadOnlyList<string> GenreNames { get; init; } = CinemaGenres.All;

    /// <summary>How often each task scores its dirty members: one score update per member per interval at most.</summary>
    public TimeSpan FlushInterval { get; init; } = TimeSpan.FromMilliseconds(WorkerSettings.Defaults.FlushIntervalMs);

    /// <summary>How long a ticket waits for its session to reach the sessions global store before it is dead-lettered (see WorkerSettings.SessionWaitMs).</summary>
    public TimeSpan SessionWait { get; init; } = TimeSpan.FromMilliseconds(WorkerSettings.Defaults.SessionWaitMs);

    /// <summary>
    /// Sessions whose showtime is more than this before the sessions' clock leave every worker's memory, and a ticket
    /// bought before that horizon whose session is not held is dead-lettered at once (see WorkerSettings.SessionRetentionDays).
    /// </summary>
    public TimeSpan SessionRetention { get; init; } = TimeSpan.FromDays(WorkerSettings.Defaults.SessionRetentionDays);

    /// <summary>Members rescored per flush after a catalog change, so live events keep flowing during a rescore.</summary>
    public int RescoreBatch { get; init; } = WorkerSettings.Defaults.RescoreBatch;

    /// <summary>How often each movie task publishes its changed movie profiles (see WorkerSettings.ProfileIntervalMs).</summary>
    public TimeSpan ProfileInterval { get; init; } = TimeSpan.FromMilliseconds(WorkerSettings.Defaults.ProfileIntervalMs);

    /// <summary>Every member is rescored at least this often, paced evenly over the interval (see WorkerSettings.FreshnessIntervalMs).</summary>
    public TimeSpan FreshnessInterval { get; init; } = TimeSpan.FromMilliseconds(WorkerSettings.Defaults.FreshnessIntervalMs);

    /// <summary>Neighbour-list staleness passed to the collective state (0 = exact, as the LLO replay).</summary>
    public double NeighbourStaleness { get; init; } = WorkerSettings.Defaults.NeighbourStaleness;

    /// <summary>Days of popularity timeline kept per movie.</summary>
    public int TimelineRetentionDays { get; init; } = 400;

    /// <summary>
    /// Reports when task stores are restored (a worker on Kafka wires it to Streamiz's restore events);
    /// null where stores start empty and are never restored (the TopologyTestDriver).
    /// </summary>
    public Topology.StoreRestoration? Restoration { get; init; }

    /// <summary>
    /// Where a global store's updater sends a record it cannot apply (the global thread has no producer of its own);
    /// null where none is wired (the TopologyTestDriver): the record is then only counted.
    /// </summary>
    public DeadLetters.StreamErrorDeadLetters? GlobalDeadLetters { get; init; }

    public string TicketsTopic => CinemaTables.Topic(CinemaTables.Tickets, TopicPrefix);
    public string SessionsTopic => CinemaTables.Topic(CinemaTables.Sessions, TopicPrefix);
    public string MoviesTopic => CinemaTables.Topic(CinemaTables.Movies, TopicPrefix);
    public string MembersTopic => CinemaTables.Topic(CinemaTables.Members, TopicPrefix);

    /// <summary>Throws naming the option when a value cannot work.</summary>
    public ProcessorOptions Validated()
    {
        if (string.IsNullOrWhiteSpace(ApplicationId)) throw new ArgumentException("processor option ApplicationId is required");
        if (Partitions is < 1 or > 1000) throw new ArgumentException($"processor option Partitions must be 1..1000, got {Partitions}");
        if (FlushInterval <= TimeSpan.Zero) throw new ArgumentException("processor option FlushInterval must be positive");
        if (SessionWait < TimeSpan.Zero) throw new ArgumentException("processor option SessionWait must not be negative");
        if (SessionRetention < TimeSpan.FromDays(1)) throw new ArgumentException($"processor option SessionRetention must be at least one day, got {SessionRetention}");
        if (RescoreBatch < 1) throw new ArgumentException("processor option RescoreBatch must be at least 1");
        if (ProfileInterval <= TimeSpan.Zero) throw new ArgumentException("processor option ProfileInterval must be positive");
        if (FreshnessInterval < FlushInterval) throw new ArgumentException("processor option FreshnessInterval must not be shorter than FlushInterval");
        if (NeighbourStaleness < 0) throw new ArgumentException("processor option NeighbourStaleness must not be negative");
        if (GenreNames.Count is 0 or > Propensity.Catalog.MovieCatalog.MaxGenres)
            throw new ArgumentException($"processor option GenreNames must hold 1..{Propensity.Catalog.MovieCatalog.MaxGenres} names");
        Model.Validated();
        return this;
    }
}
