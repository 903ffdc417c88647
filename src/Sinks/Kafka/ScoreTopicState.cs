using Confluent.Kafka;
using Insights.Contracts.Configuration;
using Insights.Contracts.Scores;
using Insights.Contracts.Topics;
using Insights.Sinks.Snapshots;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Insights.Sinks.Kafka;

/// <summary>
/// The full current score state read straight from the compacted scores topic: each partition from its
/// first offset to the high watermark seen when the read starts, keeping the newest version per member and
/// dropping tombstoned members. It joins no consumer group and commits nothing, so it never disturbs the sink.
/// A record that is not a valid score record is logged, counted and left out (a snapshot has no dead-letter
/// topic, and failing the whole snapshot for one record would leave no snapshot at all); the partition's state
/// counts it in <see cref="PartitionState.Skipped"/>, and its member keeps their last valid update.
/// </summary>
public sealed class ScoreTopicState(KafkaSettings kafka, string topic = TopicNames.Scores, ILogger<ScoreTopicState>? logger = null) : IScoreStateSource
{
    private readonly ILogger logger = logger ?? NullLogger<ScoreTopicState>.Instance;

    private static readonly TimeSpan MetadataTimeout = TimeSpan.FromSeconds(15);

    public string Topic => topic;

    public Task<IReadOnlyList<int>> PartitionsAsync(CancellationToken ct) => Task.Run<IReadOnlyList<int>>(() =>
    {
        using var admin = new AdminClientBuilder(kafka.ApplyTo(new AdminClientConfig())).SetLogHandler((_, _) => { }).Build();
        var metadata = admin.GetMetadata(topic, MetadataTimeout).Topics.Single();
        if (metadata.Error.IsError) throw new KafkaException(metadata.Error);
        return metadata.Partitions.Select(p => p.PartitionId).Order().ToList();
    }, ct);

    public Task<PartitionState> ReadAsync(int partition, CancellationToken ct) => Task.Run(() => Read(partition, ct), ct);

    private PartitionState Read(int partition, CancellationToken ct)
    {
        var config = kafka.ApplyTo(new ConsumerConfig
        {
            GroupId = "insights-snapshot-reader", // required by the client; nothing is committed under it
            EnableAutoCommit = false,
            EnableAutoOffsetStore = false,
            AllowAutoCreateTopics = false,
            EnablePartitionEof = true,
        });
        using var consumer = new ConsumerBuilder<string?, byte[]?>(config).SetLogHandler((_, _) => { }).Build();
        var tp = new TopicPartition(topic, partition);
        var marks = consumer.QueryWatermarkOffsets(tp, MetadataTimeout);
        if (marks.Low.Value > 0)
            throw new InvalidDataException($"{topic} partition {partition} starts at offset {marks.Low.Value}, not 0: " +
                "records were removed, so a snapshot of it would be incomplete");
        var latest = new Dictionary<long, ScoreUpdate?>();
        var skipped = 0L;
        if (marks.High.Value > 0)
        {
            consumer.Assign(new TopicPartitionOffset(tp, Offset.Beginning));
            while (true)
            {
                ct.ThrowIfCancellationRequested();
                var result = consumer.Consume(TimeSpan.FromMilliseconds(500));
                if (result is null) continue;
                if (result.IsPartitionEOF) { if (result.Offset.Value >= marks.High.Value) break; continue; }
                if (result.Offset.Value >= marks.High.Value) break;
                var read = ScoreRecords.Read(result.Message.Key, result.Message.Value, result.TopicPartitionOffset);
                if (read.Change is not { } change)
                {
                    skipped++;
                    Telemetry.SinkMetrics.Skipped("snapshot");
                    logger.LogWarning("snapshot: skipped a score record: {Problem}", read.Problem);
                }
                else if (change.Update is not { } update) latest[change.MemberId] = null;
                // Of equal versions the later wins: a worker replaying a member's events re-emits a version with newer content.
                else if (!latest.TryGetValue(change.MemberId, out var held) || held is null || held.Version <= update.Version)
                    latest[change.MemberId] = update;
                if (result.Offset.Value >= marks.High.Value - 1) break;
            }
        }
        var members = latest.Values.OfType<ScoreUpdate>().OrderBy(u => u.MemberId).ToList();
        return new PartitionState(partition, marks.Low.Value, marks.High.Value, members) { Skipped = skipped };
    }
}
