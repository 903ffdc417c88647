using Confluent.Kafka;
using Insights.Contracts.Cinema;
using Insights.Contracts.Configuration;

namespace Insights.Processors.Hosting;

/// <summary>
/// With tickets keyed by member the member tasks read the tickets and members topics where they are, so partition i of
/// each must hold the same members: both need the worker's partition count (the manifest creates them so). Checked at
/// start, where a mismatch names the settings instead of splitting members' state across tasks.
/// </summary>
public static class SourcePartitioning
{
    /// <summary>Null when the partitioning fits, or the topics are not there yet (Streamiz then waits for them); else why not.</summary>
    public static string? Problem(WorkerSettings settings, KafkaSettings kafka, TimeSpan timeout)
    {
        if (!settings.TicketsKeyedByMember) return null;
        // Quiet: an unreachable broker is reported by the stream itself, in one line, not by this check's client.
        using var admin = new AdminClientBuilder(kafka.ApplyTo(new AdminClientConfig())).SetLogHandler((_, _) => { }).SetErrorHandler((_, _) => { }).Build();
        Metadata metadata;
        try { metadata = admin.GetMetadata(timeout); }
        catch (KafkaException) { return null; }
        foreach (var topic in new[] { CinemaTables.Topic(CinemaTables.Tickets, settings.TopicPrefix), CinemaTables.Topic(CinemaTables.Members, settings.TopicPrefix) })
        {
            var partitions = metadata.Topics.FirstOrDefault(t => t.Topic == topic && t.Error.Code == ErrorCode.NoError)?.Partitions.Count;
            if (partitions is { } count && count != settings.Partitions)
                return $"{WorkerSettings.Section}:TicketsKeyedByMember is true, so {topic} must have {WorkerSettings.Section}:Partitions ({settings.Partitions}) " +
                    $"partitions like the other member-keyed topics, but it has {count}: create the topics from the manifest (`insights topics create`), " +
                    $"or set {WorkerSettings.Section}:TicketsKeyedByMember false";
        }
        return null;
    }
}
