using Confluent.Kafka;
using Insights.Contracts.Configuration;
using Insights.Contracts.Topics;
using Insights.Sinks.Elasticsearch;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Insights.Sinks.Kafka;

/// <summary>
/// The Elasticsearch sink's consume loop: reads the scores topic in its own consumer group, writes each batch
/// with <see cref="ScoreIndexWriter"/> and commits the batch's offsets only after Elasticsearch acknowledged
/// every item (auto commit off), so a crash replays unacknowledged records; replays are harmless because
/// writes are versioned. A record that is not a valid score record goes to the dead-letter topic (see
/// <see cref="ScoreDeadLetters"/>) and is committed past, so one bad record neither stops the sink nor is lost.
/// </summary>
public sealed class ScoreTopicConsumer(KafkaSettings kafka, ElasticsearchSettings settings, ScoreIndexWriter writer,
    ILogger<ScoreTopicConsumer>? logger = null)
{
    private readonly ILogger _logger = logger ?? NullLogger<ScoreTopicConsumer>.Instance;

    /// <summary>Records written and committed so far (for health and tests).</summary>
    public long Committed => Interlocked.Read(ref _committed);
    private long _committed;

    /// <summary>Unreadable records sent to the dead-letter topic so far.</summary>
    public long DeadLettered => Interlocked.Read(ref _deadLettered);
    private long _deadLettered;

    public ConsumerConfig ConsumerConfig() => kafka.ApplyTo(new ConsumerConfig
    {
        GroupId = settings.ConsumerGroup,
        EnableAutoCommit = false,
        EnableAutoOffsetStore = false,
        AutoOffsetReset = AutoOffsetReset.Earliest,
        AllowAutoCreateTopics = false,
        // A dead sink's partitions move after 6 s instead of 45 s; the loop polls far more often than that.
        SessionTimeoutMs = 6000,
        EnablePartitionEof = false,
    });

    public async Task RunAsync(CancellationToken ct)
    {
        using var consumer = new ConsumerBuilder<byte[]?, byte[]?>(ConsumerConfig())
            .SetLogHandler((_, m) => _logger.LogDebug("librdkafka {Facility}: {Message}", m.Facility, m.Message))
            .SetErrorHandler((_, e) => _logger.Log(e.IsFatal ? LogLevel.Error : LogLevel.Warning, "Kafka: {Reason}", e.Reason))
            .Build();
        using var producer = new ProducerBuilder<byte[]?, byte[]?>(kafka.ApplyTo(ScoreDeadLetters.ProducerConfig()))
            .SetLogHandler((_, m) => _logger.LogDebug("librdkafka {Facility}: {Message}", m.Facility, m.Message))
            .Build();
        var deadLetters = new ScoreDeadLetters(producer);
        consumer.Subscribe(TopicNames.Scores);
        try
        {
            while (!ct.IsCancellationRequested)
            {
                var batch = await Task.Run(() => ConsumeBatch(consumer, ct), ct);
                if (batch.Count == 0) continue;
                // Unreadable records go to the dead-letter topic (acknowledged) before their offsets are committed.
                foreach (var bad in batch.Where(r => r.Error is not null))
                {
                    await deadLetters.SendAsync(bad.Key, bad.Value, bad.Where, bad.Error!, ct);
                    Interlocked.Increment(ref _deadLettered);
                    _logger.LogWarning("sink: {Where} sent to {Topic}: {Reason}", bad.Where, TopicNames.DeadLetter, bad.Error!.Message);
                }
                var report = await writer.WriteAsync(batch.Where(r => r.Change is not null).Select(r => r.Change!), ct);
                var offsets = batch.GroupBy(r => r.Where.TopicPartition)
                    .Select(g => new TopicPartitionOffset(g.Key, g.Max(r => r.Where.Offset.Value) + 1))
                    .ToList();
                try { consumer.Commit(offsets); }
                catch (KafkaException e)
                {
                    // Partitions revoked by a rebalance meanwhile: their new owner replays these records,
                    // which is safe because every write is versioned.
                    _logger.LogWarning("sink: commit after write failed ({Reason}); the records will be replayed", e.Error.Reason);
                    continue;
                }
                Interlocked.Add(ref _committed, batch.Count);
                _logger.LogInformation("sink: {Records} records -> {Indexed} indexed, {Stale} stale, {Deleted} deleted; committed {Partitions} partitions",
                    batch.Count, report.Indexed, report.Stale, report.Deleted, offsets.Count);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested) { }
        finally
        {
            // Leave the group now so the partitions move at once instead of after the session timeout.
            consumer.Close();
        }
    }

    private List<ConsumedRecord> ConsumeBatch(IConsumer<byte[]?, byte[]?> consumer, CancellationToken ct)
    {
        var batch = new List<ConsumedRecord>();
        var deadline = DateTime.UtcNow.AddMilliseconds(settings.BulkMaxWaitMs);
        while (batch.Count < settings.BulkMaxDocuments * 4 && !ct.IsCancellationRequested)
        {
            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero && batch.Count > 0) break;
            var result = consumer.Consume(left > TimeSpan.Zero ? left : TimeSpan.FromMilliseconds(settings.BulkMaxWaitMs));
            if (result is null) { if (batch.Count > 0) break; deadline = DateTime.UtcNow.AddMilliseconds(settings.BulkMaxWaitMs); continue; }
            var (key, value, where) = (result.Message.Key, result.Message.Value, result.TopicPartitionOffset);
            try { batch.Add(new ConsumedRecord(ScoreRecords.Parse(key, value, where), where, key, value, null)); }
            catch (InvalidDataException e) { batch.Add(new ConsumedRecord(null, where, key, value, e)); }
        }
        return batch;
    }

    /// <summary>One consumed record: its change, or the reason it cannot be read (then it is a dead letter).</summary>
    private sealed record ConsumedRecord(ScoreChange? Change, TopicPartitionOffset Where, byte[]? Key, byte[]? Value, Exception? Error);
}
