using System.Text;
using Confluent.Kafka;
using Insights.Contracts.Topics;
using Insights.Processors.Events;
using Insights.Processors.Topology;

namespace Insights.Processors.DeadLetters;

/// <summary>
/// An event that failed to parse or apply, sent to <see cref="TopicNames.DeadLetter"/> with the original key and
/// value and headers naming the error, source topic, partition and offset, so processing continues and the
/// event can be inspected and replayed by hand.
/// </summary>
public static class DeadLetter
{
    public const string ErrorHeader = "insights.error";
    public const string StageHeader = "insights.stage";
    public const string TopicHeader = "insights.source.topic";
    public const string PartitionHeader = "insights.source.partition";
    public const string OffsetHeader = "insights.source.offset";

    public static Routed For(Exception error, string stage, EventOrigin origin, byte[]? key, byte[]? value)
    {
        Telemetry.ProcessorMetrics.DeadLettered(stage, error);
        var headers = new Headers
        {
            { ErrorHeader, Encoding.UTF8.GetBytes($"{error.GetType().Name}: {error.Message}") },
            { StageHeader, Encoding.UTF8.GetBytes(stage) },
            { TopicHeader, Encoding.UTF8.GetBytes(origin.Topic) },
            { PartitionHeader, Encoding.UTF8.GetBytes(origin.Partition.ToString(System.Globalization.CultureInfo.InvariantCulture)) },
            { OffsetHeader, Encoding.UTF8.GetBytes(origin.Offset.ToString(System.Globalization.CultureInfo.InvariantCulture)) },
        };
        return new Routed(TopicNames.DeadLetter, key, value, headers);
    }
}
