using Insights.Contracts.Cinema;
using Insights.Contracts.Topics;
using Insights.Fixtures.Kafka;

namespace Insights.Capture.Tests;

/// <summary>A broker with the four CDC topics, four partitions each, and the dead-letter topic (rows too large for their topic).</summary>
public sealed class CdcTopics() : KafkaBroker(Topics)
{
    public const int Partitions = 4;

    public static readonly TopicManifest Topics =
        new([.. CinemaTables.All.Select(t => new TopicSpec(CinemaTables.Topic(t), Partitions)), new TopicSpec(TopicNames.DeadLetter, 1)]);
}
