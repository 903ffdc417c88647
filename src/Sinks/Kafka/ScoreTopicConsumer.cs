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
/// writes are versioned. A record the sink cannot write (not a valid score record, or a document Elasticsearch
/// refuses) is handled as <see cref="SinkErrorSettings.ErrorsTolerance"/> says: with `all` it goes to the
/// dead-letter topic (see <see cref="ScoreDeadLetters"/>), acknowledged before the batch is committed past it, so
/// one bad record neither stops the sink nor is lost; with `none` the loop stops with
/// <see cref="ErrorToleranceExceededException"/> before committing, as Kafka Connect's task does.
/// </summary>
public sealed class ScoreTopicConsumer(KafkaSettings kafka, ElasticsearchSettings settings, ScoreIndexWriter writer,
    ILogger<ScoreTopicConsumer>? logger = null, SinkErrorSettings? errors = null)
{
    private readonly ILogger logger = logger ?? NullLogger<ScoreTopicConsumer>.Instance;
    private readonly SinkErrorSettings errors = errors ?? new SinkErrorSettings();

    /// <summary>Records written and committed so far (for health and tests).</summary>
    public long Committed => Interlocked.Read(ref committed);
    private long committed;

    /// <summary>Records sent to the dead-letter topic so far (unreadable or rejected by Elasticsearch).</summary>
    public long DeadLettered => Interlocked.Read(ref deadLettered);
    private long deadLettered;

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
            .SetLogHandler((_, m) => logger.LogDebug("librdkafka {Facility}: {Message}", m.Facility, m.Message))
            .SetErrorHandler((_, e) => logger.Log(e.IsFatal ? LogLevel.Error : LogLevel.Warning, "Kafka: {Reason}", e.Reason))
            .Build();
        using var producer = new ProducerBuilder<byte[]?, byte[]?>(kafka.ApplyTo(ScoreDeadLetters.ProducerConfig()))
            .SetLogHandler((_, m) => logger.LogDebug("librdkafka {Facility}: {Message}", m.Facility, m.Message))
            .Build();
        var deadLetters = new ScoreDeadLetters(producer);
        consumer.Subscribe(TopicNames.Scores);
        try
        {
            while (!ct.IsCancellationRequested)
            {
                var batch = await Task.Run(() => ConsumeBatch(consumer, ct), ct);
                if (batch.Count == 0) continue;
                var unreadable = batch.Where(r => r.Read.Change is null).ToList();
                if (unreadable.Count > 0 && !errors.DeadLettersErrors) throw NotTolerated(unreadable[0].Read.Problem!);
                var report = await writer.WriteAsync(batch.Where(r => r.Read.Change is not null).Select(r => r.Read.Change!), ct);
                if (report.Rejected.Count > 0 && !errors.DeadLettersErrors)
                    throw NotTolerated($"{Origin(batch, report.Rejected[0]).Where}: Elasticsearch refused {report.Rejected[0]}");

                // Dead letters are acknowledged before the batch's offsets move past them: a crash in between
                // replays the batch (a dead letter may then appear twice), never loses one.
                foreach (var bad in unreadable)
                    await DeadLetterAsync(deadLetters, bad, new InvalidDataException(bad.Read.Problem), Telemetry.SinkMetrics.Unreadable, ct);
                foreach (var rejected in report.Rejected)
                {
                    var origin = Origin(batch, rejected);
                    await DeadLetterAsync(deadLetters, origin,
                        new ElasticsearchRejectedException($"{origin.Where}: Elasticsearch refused {rejected}"), Telemetry.SinkMetrics.Rejected, ct);
                }

                var offsets = batch.GroupBy(r => r.Where.TopicPartition)
                    .Select(g => new TopicPartitionOffset(g.Key, g.Max(r => r.Where.Offset.Value) + 1))
                    .ToList();
                try { consumer.Commit(offsets); }
                catch (KafkaException e)
                {
                    // Partitions revoked by a rebalance meanwhile: their new owner replays these records,
                    // which is safe because every write is versioned.
                    logger.LogWarning("sink: commit after write failed ({Reason}); the records will be replayed", e.Error.Reason);
                    continue;
                }
                Interlocked.Add(ref committed, batch.Count);
                logger.LogInformation("sink: {Records} records -> {Indexed} indexed, {Stale} stale, {Deleted} deleted, {DeadLettered} dead-lettered; committed {Partitions} partitions",
                    batch.Count, report.Indexed, report.Stale, report.Deleted, unreadable.Count + report.Rejected.Count, offsets.Count);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested) { }
        finally
        {
            // Leave the group now so the partitions move at once instead of after the session timeout.
            consumer.Close();
        }
    }

    private async Task DeadLetterAsync(ScoreDeadLetters deadLetters, ConsumedRecord record, Exception reason, string kind, CancellationToken ct)
    {
        await deadLetters.SendAsync(record.Key, record.Value, record.Headers, record.Where, reason, ct);
        Interlocked.Increment(ref deadLettered);
        Telemetry.SinkMetrics.DeadLettered(kind);
        logger.LogWarning("sink: {Where} sent to {Topic}: {Reason}", record.Where, TopicNames.DeadLetter, reason.Message);
    }

    private static ErrorToleranceExceededException NotTolerated(string problem) => new(
        $"sink: stopped at {problem}; {SinkErrorSettings.Section}:ErrorsTolerance is {SinkErrorSettings.None}, so nothing was committed " +
        $"past it and a restart stops here again ({SinkErrorSettings.All} would send it to {TopicNames.DeadLetter} and go on)");

    /// <summary>
    /// The record whose change Elasticsearch refused: a batch is collapsed per member before writing, so it is the
    /// member's record that carried the written update (the same object), or its last tombstone for a deletion
    /// marker. Earlier records of that member in the batch were superseded by it, not refused, and are not sent.
    /// </summary>
    private static ConsumedRecord Origin(List<ConsumedRecord> batch, RejectedChange rejected) =>
        batch.LastOrDefault(r => r.Read.Change is { } change && change.MemberId == rejected.Change.MemberId &&
                                 (rejected.Change.IsDelete ? change.IsDelete : ReferenceEquals(change.Update, rejected.Change.Update)))
        ?? batch.Last(r => r.Read.Change?.MemberId == rejected.Change.MemberId);

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
            batch.Add(new ConsumedRecord(ScoreRecords.Read(key, value, where), where, key, value, result.Message.Headers));
        }
        return batch;
    }

    /// <summary>One consumed record as read (its change, or why it is not a valid score record) with its original bytes.</summary>
    private sealed record ConsumedRecord(ScoreRecordRead Read, TopicPartitionOffset Where, byte[]? Key, byte[]? Value, Headers? Headers);
}

/// <summary>A record the sink could not write, with <see cref="SinkErrorSettings.ErrorsTolerance"/> `none`: the sink stops on it.</summary>
public sealed class ErrorToleranceExceededException(string message) : Exception(message);

/// <summary>The reason on a dead letter whose document Elasticsearch refused (its type names the kind in the `insights.error` header).</summary>
public sealed class ElasticsearchRejectedException(string message) : Exception(message);
