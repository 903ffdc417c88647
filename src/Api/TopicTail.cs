using Confluent.Kafka;
using Insights.Contracts.Configuration;
using Microsoft.Extensions.Logging;

namespace Insights.Api;

/// <summary>
/// Follows every partition of one topic without a consumer group (assign, never subscribe or commit), so any
/// number of API replicas each keep a full view without disturbing anyone: from the first offset to rebuild
/// state, or from the end to see live records only. Records at or after the high watermark seen at start are
/// "live"; <see cref="CaughtUp"/> turns true once every partition has been read up to that mark.
/// </summary>
public sealed class TopicTail(KafkaSettings kafka, string topic, bool fromBeginning, ILogger logger, int fetchWaitMaxMs)
{
    private static readonly TimeSpan MetadataTimeout = TimeSpan.FromSeconds(15);
    private volatile bool caughtUp;

    public string Topic => topic;
    public bool CaughtUp => caughtUp;

    /// <summary>Consumes until cancelled, handing each record to <paramref name="onRecord"/> with whether it is live.</summary>
    public Task RunAsync(Action<ConsumeResult<string?, byte[]?>, bool> onRecord, CancellationToken ct) =>
        Task.Factory.StartNew(() => Run(onRecord, ct), ct, TaskCreationOptions.LongRunning, TaskScheduler.Default);

    private void Run(Action<ConsumeResult<string?, byte[]?>, bool> onRecord, CancellationToken ct)
    {
        var partitions = Partitions();
        using var consumer = new ConsumerBuilder<string?, byte[]?>(kafka.ApplyTo(new ConsumerConfig
        {
            GroupId = "insights-api-tail", // required by the client; nothing is committed under it
            EnableAutoCommit = false,
            EnableAutoOffsetStore = false,
            AllowAutoCreateTopics = false,
            EnablePartitionEof = true,
            FetchWaitMaxMs = fetchWaitMaxMs,
        }))
            .SetLogHandler((_, m) => logger.LogDebug("librdkafka {Facility}: {Message}", m.Facility, m.Message))
            .SetErrorHandler((_, e) => logger.Log(e.IsFatal ? LogLevel.Error : LogLevel.Warning, "Kafka ({Topic}): {Reason}", topic, e.Reason))
            .Build();
        var liveFrom = new Dictionary<int, long>();
        var behind = new HashSet<int>();
        foreach (var p in partitions)
        {
            var high = consumer.QueryWatermarkOffsets(new TopicPartition(topic, p), MetadataTimeout).High.Value;
            liveFrom[p] = fromBeginning ? high : 0;
            if (fromBeginning && high > 0) behind.Add(p);
        }
        caughtUp = behind.Count == 0;
        consumer.Assign(partitions.Select(p => new TopicPartitionOffset(topic, p, fromBeginning ? Offset.Beginning : Offset.End)));
        logger.LogInformation("api: following {Topic} ({Partitions} partitions) from the {Where}", topic, partitions.Count, fromBeginning ? "beginning" : "end");
        try
        {
            while (!ct.IsCancellationRequested)
            {
                var result = consumer.Consume(TimeSpan.FromMilliseconds(200));
                if (result is null) continue;
                var p = result.Partition.Value;
                if (!result.IsPartitionEOF) onRecord(result, result.Offset.Value >= liveFrom[p]);
                var next = result.IsPartitionEOF ? result.Offset.Value : result.Offset.Value + 1;
                if (behind.Count > 0 && next >= liveFrom[p] && behind.Remove(p) && behind.Count == 0)
                {
                    caughtUp = true;
                    logger.LogInformation("api: caught up with {Topic}", topic);
                }
            }
        }
        finally { consumer.Close(); }
    }

    private List<int> Partitions()
    {
        using var admin = new AdminClientBuilder(kafka.ApplyTo(new AdminClientConfig())).SetLogHandler((_, _) => { }).Build();
        var metadata = admin.GetMetadata(topic, MetadataTimeout).Topics.Single();
        if (metadata.Error.IsError) throw new KafkaException(metadata.Error);
        if (metadata.Partitions.Count == 0) throw new InvalidOperationException($"topic {topic} has no partitions");
        return metadata.Partitions.Select(p => p.PartitionId).Order().ToList();
    }
}
