using Confluent.Kafka;
using Insights.Contracts.Configuration;
using Insights.Sinks.Elasticsearch;
using Insights.Sinks.Kafka;

namespace Insights.Sinks.Snapshots;

/// <summary>Rebuilds the score index or a scores topic from one snapshot (every file verified before use).</summary>
public sealed class SnapshotRestore(SnapshotCatalog catalog)
{
    /// <summary>
    /// Writes every member of the snapshot through the versioned writer: newer scores already there win. A member
    /// Elasticsearch refuses does not stop the others; the restore then fails naming how many were refused and the
    /// first of them (a restore has no dead-letter topic, and must not look complete when it is not).
    /// </summary>
    public async Task<long> ToElasticsearchAsync(SnapshotManifest manifest, ScoreIndexWriter writer, CancellationToken ct)
    {
        long members = 0;
        var rejected = new List<RejectedChange>();
        foreach (var file in manifest.Files)
        {
            var updates = await catalog.ReadAsync(file, ct);
            rejected.AddRange((await writer.WriteAsync(updates.Select(ScoreChange.Of), ct)).Rejected);
            members += updates.Count;
        }
        if (rejected.Count > 0)
            throw new ElasticsearchRequestException($"snapshot {manifest.Id}: Elasticsearch refused {rejected.Count} of {members} members " +
                $"(the others are restored), first {rejected[0]}");
        return members;
    }

    /// <summary>
    /// Produces every member's update to the topic, keyed by member id, on the partition the processors would
    /// use (<see cref="ScoreTopicProducer"/>), waiting for every acknowledgement. Refuses a topic that holds
    /// records unless <paramref name="force"/>: compaction keeps a key's last record, not its highest version, so
    /// restoring an older snapshot behind the live records would make its older scores the ones that survive.
    /// </summary>
    public async Task<long> ToTopicAsync(SnapshotManifest manifest, KafkaSettings kafka, string topic, bool force, CancellationToken ct)
    {
        if (!force && await RecordsInAsync(kafka, topic, ct) is { Records: > 0 } held)
            throw new RestoreTargetNotEmptyException(
                $"topic {topic} is not empty: it holds {held.Records} records over {held.Partitions} partitions (high minus low watermarks); " +
                "restoring a snapshot behind them would let compaction keep the snapshot's older scores. Restore into an empty topic, " +
                "or pass --force to append the snapshot anyway");
        using var producer = new ProducerBuilder<string, byte[]>(kafka.ApplyTo(ScoreTopicProducer.Config())).SetLogHandler((_, _) => { }).Build();
        long members = 0;
        foreach (var file in manifest.Files)
        {
            var deliveries = (await catalog.ReadAsync(file, ct)).Select(update => producer.ProduceAsync(topic,
                new Message<string, byte[]> { Key = ScoreRecords.Key(update.MemberId), Value = ScoreRecords.Value(update) }, ct)).ToList();
            // Awaiting them all surfaces the first failed delivery as a ProduceException naming the error.
            await Task.WhenAll(deliveries);
            members += deliveries.Count;
        }
        return members;
    }

    /// <summary>How many records the topic holds (each partition's high minus low watermark) and over how many partitions.</summary>
    public static Task<(long Records, int Partitions)> RecordsInAsync(KafkaSettings kafka, string topic, CancellationToken ct) => Task.Run(() =>
    {
        using var admin = new AdminClientBuilder(kafka.ApplyTo(new AdminClientConfig())).SetLogHandler((_, _) => { }).Build();
        var metadata = admin.GetMetadata(topic, MetadataTimeout).Topics.Single();
        if (metadata.Error.IsError) throw new KafkaException(metadata.Error);
        using var consumer = new ConsumerBuilder<Ignore, Ignore>(kafka.ApplyTo(new ConsumerConfig { GroupId = "insights-snapshot-restore", EnableAutoCommit = false }))
            .SetLogHandler((_, _) => { }).Build();
        var records = metadata.Partitions.Sum(p =>
        {
            ct.ThrowIfCancellationRequested();
            var marks = consumer.QueryWatermarkOffsets(new TopicPartition(topic, p.PartitionId), MetadataTimeout);
            return marks.High.Value - marks.Low.Value;
        });
        return (records, metadata.Partitions.Count);
    }, ct);

    private static readonly TimeSpan MetadataTimeout = TimeSpan.FromSeconds(15);
}

/// <summary>`snapshot restore --to topic` into a topic that already holds records, without --force.</summary>
public sealed class RestoreTargetNotEmptyException(string message) : Exception(message);
