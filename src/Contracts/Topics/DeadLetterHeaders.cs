using System.Globalization;
using System.Text;
using Confluent.Kafka;

namespace Insights.Contracts.Topics;

/// <summary>
/// The headers every record on <see cref="TopicNames.DeadLetter"/> carries, whichever stage sent it: the error,
/// the stage (`parse`, `apply`, `sink`...), and where the original record was read. The record keeps its original
/// key and value, so it can be inspected and replayed by hand.
/// </summary>
public static class DeadLetterHeaders
{
    public const string Error = "insights.error";
    public const string Stage = "insights.stage";
    public const string SourceTopic = "insights.source.topic";
    public const string SourcePartition = "insights.source.partition";
    public const string SourceOffset = "insights.source.offset";

    /// <summary>Only on a dead letter that could not hold the record whole: what was cut, e.g. "value 999950 bytes, first 997820 kept".</summary>
    public const string Truncated = "insights.truncated";

    public static Headers For(Exception error, string stage, string topic, int partition, long offset) => new()
    {
        { Error, Encoding.UTF8.GetBytes($"{error.GetType().Name}: {error.Message}") },
        { Stage, Encoding.UTF8.GetBytes(stage) },
        { SourceTopic, Encoding.UTF8.GetBytes(topic) },
        { SourcePartition, Encoding.UTF8.GetBytes(partition.ToString(CultureInfo.InvariantCulture)) },
        { SourceOffset, Encoding.UTF8.GetBytes(offset.ToString(CultureInfo.InvariantCulture)) },
    };
}
