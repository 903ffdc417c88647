using Confluent.Kafka;

namespace Insights.Processors.Topology;

/// <summary>
/// A record on its way out of the topology: the topic it goes to, key and value bytes (null value =
/// tombstone) and headers (dead letters name their reason and origin there). One sink writes them all.
/// </summary>
public sealed record Routed(string Topic, byte[]? Key, byte[]? Value, Headers? Headers = null);
