using Confluent.Kafka;
using Confluent.Kafka.Admin;
using Insights.Contracts.Configuration;

namespace Insights.DevTool.Demo.Live;

/// <summary>
/// Reads the pipeline's progress from Kafka itself: the CDC topics' high watermarks (how many change
/// events exist), the scores topic's, and the worker group's committed offsets on the CDC topics (lag =
/// events not yet committed by the workers; a partition with no commit yet counts in full).
/// </summary>
public sealed class PipelineProbe : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);
    private readonly IConsumer<Ignore, Ignore> consumer;
    private readonly IAdminClient admin;
    private readonly string group;
    private List<TopicPartition>? cdcPartitions;
    private List<TopicPartition>? scorePartitions;

    public PipelineProbe(KafkaSettings kafka, string group)
    {
        this.group = group;
        consumer = new ConsumerBuilder<Ignore, Ignore>(kafka.ApplyTo(new ConsumerConfig
        {
            GroupId = "insights-demo-probe", // never joins: it only asks for offsets
            AllowAutoCreateTopics = false,
            ClientId = "insights-demo-probe",
        })).SetLogHandler((_, _) => { }).Build();
        admin = new DependentAdminClientBuilder(consumer.Handle).Build();
    }

    public async Task<PipelineOffsets> ReadAsync()
    {
        if (cdcPartitions is null || scorePartitions is null)
        {
            var topics = admin.GetMetadata(Timeout).Topics;
            cdcPartitions = [.. topics.Where(t => DemoRoles.IsCdcTopic(t.Topic)).SelectMany(t => t.Partitions.Select(p => new TopicPartition(t.Topic, p.PartitionId)))];
            scorePartitions = [.. topics.Where(t => t.Topic == DemoRoles.ScoresTopic).SelectMany(t => t.Partitions.Select(p => new TopicPartition(t.Topic, p.PartitionId)))];
            if (cdcPartitions.Count == 0) throw new KafkaException(new Error(ErrorCode.UnknownTopicOrPart, "no CDC topics on the broker"));
        }
        var cdcHigh = cdcPartitions.ToDictionary(p => p, p => consumer.QueryWatermarkOffsets(p, Timeout).High.Value);
        var scores = scorePartitions.Sum(p => consumer.QueryWatermarkOffsets(p, Timeout).High.Value);

        long? lag = null;
        string? lagProblem = null;
        try
        {
            var committed = await admin.ListConsumerGroupOffsetsAsync([new ConsumerGroupTopicPartitions(group, cdcPartitions)],
                new ListConsumerGroupOffsetsOptions { RequestTimeout = Timeout });
            var offsets = committed.Single().Partitions.ToDictionary(p => p.TopicPartition, p => p.Offset.Value);
            lag = cdcHigh.Sum(p => Math.Max(0, p.Value - (offsets.TryGetValue(p.Key, out var at) && at >= 0 ? at : 0)));
        }
        catch (KafkaException e) { lagProblem = e.Error.Reason; }
        return new PipelineOffsets(cdcHigh.Values.Sum(), scores, lag, lagProblem);
    }

    public void Dispose()
    {
        admin.Dispose();
        consumer.Dispose();
    }
}

/// <summary>One reading: change events on the CDC topics, score updates written, the workers' lag (null with the reason when unknown).</summary>
public sealed record PipelineOffsets(long CdcEvents, long ScoreUpdates, long? Lag, string? LagProblem);
