using Insights.Contracts.Cinema;
using Insights.Contracts.Topics;
using Insights.Processors.Topology;

namespace Insights.Processors.Manifest;

/// <summary>
/// Every topic the scoring topology reads, writes or keeps internally, with partitions and cleanup policy:
/// the one list the local broker pre-creates (its mock cluster has no CreateTopics) and `insights topics
/// create` creates on a real cluster. Member-keyed topics share the topology's partition count, which is the
/// unit of scale-out; the movie catalog is small and kept in one partition.
/// </summary>
public static class ProcessorManifest
{
    public static TopicManifest For(ProcessorOptions options) => For(options.ApplicationId, options.TopicPrefix, options.Partitions);

    public static TopicManifest For(string applicationId, string topicPrefix, int partitions)
    {
        if (partitions is < 1 or > 1000) throw new ArgumentOutOfRangeException(nameof(partitions), partitions, "partitions must be 1..1000");
        var n = partitions;
        return new TopicManifest(
        [
            // Sources: the Debezium topics (the capture or Kafka Connect writes them).
            new TopicSpec(CinemaTables.Topic(CinemaTables.Members, topicPrefix), n, CleanupPolicy.Compact),
            new TopicSpec(CinemaTables.Topic(CinemaTables.Movies, topicPrefix), 1, CleanupPolicy.Compact),
            new TopicSpec(CinemaTables.Topic(CinemaTables.Sessions, topicPrefix), n, CleanupPolicy.Compact),
            new TopicSpec(CinemaTables.Topic(CinemaTables.Tickets, topicPrefix), n, CleanupPolicy.Delete),
            // Reference and collective topics the topology publishes and every worker reads whole (global stores).
            new TopicSpec(ProcessorTopics.Sessions, n, CleanupPolicy.Compact),
            new TopicSpec(ProcessorTopics.Catalog, 1, CleanupPolicy.Compact),
            // An update log, not a table: it must be kept whole (retention.ms=-1 on a real cluster).
            new TopicSpec(ProcessorTopics.CollectiveUpdates, n, CleanupPolicy.Delete),
            // Internal topics Streamiz names after the application id.
            new TopicSpec(ProcessorTopics.RepartitionTopic(applicationId), n, CleanupPolicy.Delete),
            new TopicSpec(ProcessorTopics.ChangelogTopic(applicationId), n, CleanupPolicy.Compact),
            // Tickets waiting for their session: a task per tickets partition, so the tickets' partition count.
            new TopicSpec(ProcessorTopics.ChangelogTopic(applicationId, ProcessorTopics.WaitingTicketsStore), n, CleanupPolicy.Compact),
            // Outputs.
            new TopicSpec(TopicNames.Scores, n, CleanupPolicy.Compact),
            new TopicSpec(TopicNames.DeadLetter, 1, CleanupPolicy.Delete),
        ]);
    }
}
