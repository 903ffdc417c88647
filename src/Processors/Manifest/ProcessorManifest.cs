using Insights.Contracts.Cinema;
using Insights.Contracts.Topics;
using Insights.Processors.Topology;

namespace Insights.Processors.Manifest;

/// <summary>
/// Every topic the scoring topology reads, writes or keeps internally, with partitions, cleanup policy and the
/// configs a real cluster must give it: the one list the local broker pre-creates (its mock cluster has no
/// CreateTopics and ignores configs) and `insights topics create` creates on a real cluster. Member-keyed
/// topics share the topology's partition count, which is the unit of scale-out; the movie catalog is small
/// and kept in one partition.
/// </summary>
public static class ProcessorManifest
{
    /// <summary>Dead letters wait for a person to read and replay them: kept 30 days.</summary>
    public const long DeadLetterRetentionMs = 30L * 24 * 60 * 60 * 1000;

    /// <summary>Kept whole, never expired: a log every worker (or a rebuilt application) replays from its start.</summary>
    private static readonly Dictionary<string, string> KeptWhole = new() { [TopicSpec.RetentionMsKey] = "-1" };

    // As Kafka Streams configures its repartition topics: records never expire before the member tasks read
    // them (a long outage), and Streamiz deletes what it has consumed, so small segments give the space back soon.
    private static readonly Dictionary<string, string> Repartition = new()
    {
        [TopicSpec.RetentionMsKey] = "-1", ["segment.bytes"] = (50 * 1024 * 1024).ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    public static TopicManifest For(ProcessorOptions options) => For(options.ApplicationId, options.TopicPrefix, options.Partitions);

    public static TopicManifest For(string applicationId, string topicPrefix, int partitions)
    {
        if (partitions is < 1 or > 1000) throw new ArgumentOutOfRangeException(nameof(partitions), partitions, "partitions must be 1..1000");
        var n = partitions;
        return new TopicManifest(
        [
            // Sources: the Debezium topics (the capture or Kafka Connect writes them). Table topics keep the
            // newest row per key, which is what a new application reads from the start.
            new TopicSpec(CinemaTables.Topic(CinemaTables.Members, topicPrefix), n, CleanupPolicy.Compact),
            new TopicSpec(CinemaTables.Topic(CinemaTables.Movies, topicPrefix), 1, CleanupPolicy.Compact),
            new TopicSpec(CinemaTables.Topic(CinemaTables.Sessions, topicPrefix), n, CleanupPolicy.Compact),
            // Tickets are history, not a table: the collective "follows" counts need every ticket in its order,
            // so a rebuilt application (a new application id) must be able to read them all.
            new TopicSpec(CinemaTables.Topic(CinemaTables.Tickets, topicPrefix), n, CleanupPolicy.Delete, KeptWhole),
            // Reference and collective topics the topology publishes and every worker reads whole (global stores).
            new TopicSpec(ProcessorTopics.Sessions, n, CleanupPolicy.Compact),
            new TopicSpec(ProcessorTopics.Catalog, 1, CleanupPolicy.Compact),
            // The newest collective signals per movie, published by the movie tasks.
            new TopicSpec(ProcessorTopics.MovieProfiles, n, CleanupPolicy.Compact),
            // Operators' requests to every worker (a rescore after a snapshot restore): a few records, the newest per kind.
            new TopicSpec(TopicNames.ProcessorCommands, 1, CleanupPolicy.Compact),
            // Internal topics Streamiz names after the application id.
            // Member events of a ticket-keyed source (Processors:TicketsKeyedByMember false); unused when tickets are keyed by member.
            new TopicSpec(ProcessorTopics.RepartitionTopic(applicationId), n, CleanupPolicy.Delete, Repartition, PurgedBy: applicationId),
            new TopicSpec(ProcessorTopics.RepartitionTopic(applicationId, ProcessorTopics.CollectiveDeltasRepartition), n, CleanupPolicy.Delete, Repartition,
                PurgedBy: applicationId),
            new TopicSpec(ProcessorTopics.ChangelogTopic(applicationId), n, CleanupPolicy.Compact),
            new TopicSpec(ProcessorTopics.ChangelogTopic(applicationId, ProcessorTopics.MovieStore), n, CleanupPolicy.Compact),
            // Tickets waiting for their session: a task per tickets partition, so the tickets' partition count.
            new TopicSpec(ProcessorTopics.ChangelogTopic(applicationId, ProcessorTopics.WaitingTicketsStore), n, CleanupPolicy.Compact),
            // Outputs: the newest scores per member (a tombstone deletes the member), and dead letters.
            new TopicSpec(TopicNames.Scores, n, CleanupPolicy.Compact),
            new TopicSpec(TopicNames.DeadLetter, 1, CleanupPolicy.Delete,
                new Dictionary<string, string> { [TopicSpec.RetentionMsKey] = DeadLetterRetentionMs.ToString(System.Globalization.CultureInfo.InvariantCulture) }),
        ]);
    }
}
