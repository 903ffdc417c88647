using Streamiz.Kafka.Net.Processors;

namespace Insights.Processors.Topology;

/// <summary>
/// An output topic for <c>To(...)</c> that leaves partitioning to the producer (the key's hash). Streamiz's
/// <c>To(topic, serdes)</c> sets a default stream partitioner, and with any partitioner its sink asks the admin client
/// for the topic's partition count on every record (a config copy and a cache lookup, about 4 % of a worker's CPU).
/// A sink with this extractor describes itself by type, not topic, so its node is named after the topic instead.
/// </summary>
public sealed class OutputTopic<K, V>(string name, string stage) : ITopicNameExtractor<K, V>, IRecordTimestampExtractor<K, V>
{
    /// <summary>The sink node's name, which is how <c>Describe()</c> shows the topic (and the stage, as sink names are unique).</summary>
    public string SinkName => $"{OutputTopic.SinkPrefix}{name}{OutputTopic.StageSeparator}{stage}";

    public string Extract(K key, V value, IRecordContext recordContext) => name;

    long IRecordTimestampExtractor<K, V>.Extract(K key, V value, IRecordContext recordContext) => recordContext.Timestamp;
}

public static class OutputTopic
{
    public const string SinkPrefix = "to-";

    // Not a character of topic names, so the topic reads back unambiguously.
    public const char StageSeparator = '@';

    /// <summary>The topic a described sink writes to: its static topic, or the topic its name carries.</summary>
    public static string? TopicOf(string sinkName, string? describedTopic) =>
        describedTopic ?? (sinkName.StartsWith(SinkPrefix, StringComparison.Ordinal) ? sinkName[SinkPrefix.Length..].Split(StageSeparator)[0] : null);
}
