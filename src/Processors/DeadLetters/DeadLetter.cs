using Confluent.Kafka;
using Insights.Contracts.Topics;
using Insights.Processors.Events;
using Insights.Processors.Topology;

namespace Insights.Processors.DeadLetters;

/// <summary>
/// An event that failed to parse or apply, sent to <see cref="TopicNames.DeadLetter"/> with the original key and
/// value and the <see cref="DeadLetterHeaders"/> naming the error, source topic, partition and offset, so
/// processing continues and the event can be inspected and replayed by hand.
/// </summary>
public static class DeadLetter
{
    public static Routed For(Exception error, string stage, EventOrigin origin, byte[]? key, byte[]? value)
    {
        Telemetry.ProcessorMetrics.DeadLettered(stage, error);
        var headers = DeadLetterHeaders.For(error, stage, origin.Topic, origin.Partition, origin.Offset);
        return new Routed(TopicNames.DeadLetter, key, value, headers);
    }
}
