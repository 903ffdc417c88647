using System.Globalization;
using System.Text;
using Confluent.Kafka;
using Insights.Contracts.Configuration;
using Insights.Contracts.Topics;
using Microsoft.Extensions.Logging;
using Streamiz.Kafka.Net;

namespace Insights.Processors.DeadLetters;

/// <summary>
/// Dead letters for the errors Streamiz meets outside the topology's own code, through its exception handlers: a
/// record its serdes cannot read (stage `deserialize`: an internal topic written by something else) and a record its
/// producer cannot write because of what the record is (stage `produce`: over message.max.bytes, or refused by the
/// broker as invalid). The handlers only answer CONTINUE or FAIL, so the dead letter goes through a producer of its
/// own, and CONTINUE is answered only once the broker acknowledged it: when it cannot be written either, or the error
/// is about the cluster rather than the record, the answer is FAIL and the stream stops, so nothing is dropped unseen.
/// A dead letter that would itself be too large keeps the start of its value (see <see cref="DeadLetterHeaders.Truncated"/>).
/// Exactly once, the dead letter is written outside the stream's transaction: a replay after an abort writes it again.
/// Processing errors have no handler here: Streamiz's InnerExceptionHandler answering CONTINUE re-subscribes and meets
/// the same record again, so the topology catches them where they happen (SourceReader, the member and movie processors).
/// </summary>
public sealed class StreamErrorDeadLetters : IDisposable
{
    public const string DeserializeStage = "deserialize";
    public const string ProduceStage = "produce";

    /// <summary>librdkafka's default message.max.bytes, which the stream's producer and this one both keep.</summary>
    public const int MessageMaxBytes = DeadLetterFit.MessageMaxBytes;

    // The failed record's own headers travel with its dead letter up to this size; beyond it they are left out.
    private const int OriginalHeadersMaxBytes = 64 * 1024;

    /// <summary>Errors that are about the record, not the cluster: the same record fails again however often it is retried.</summary>
    private static readonly HashSet<ErrorCode> RecordRefusals =
    [
        ErrorCode.MsgSizeTooLarge, ErrorCode.RecordListTooLarge, ErrorCode.InvalidRecord, ErrorCode.InvalidMsg,
        ErrorCode.InvalidTimestamp, ErrorCode.Local_BadMsg,
    ];

    // Streamiz deserializes a record twice (to read its timestamp as it is queued, then to process it): the second
    // failure of a record already dead-lettered is no new error. Enough origins for every record a thread may buffer.
    private const int RememberedOrigins = 16_384;
    private readonly HashSet<Origin> deadLettered = [];
    private readonly Queue<Origin> deadLetteredOrder = new();

    private readonly Lazy<IProducer<byte[]?, byte[]?>> producer;
    private readonly ILogger logger;
    private readonly TimeSpan acknowledgementWait;

    /// <param name="acknowledgementWait">How long a handler waits for the dead letter's acknowledgement before it answers FAIL.</param>
    public StreamErrorDeadLetters(KafkaSettings kafka, ILogger logger, TimeSpan? acknowledgementWait = null)
    {
        this.logger = logger;
        this.acknowledgementWait = acknowledgementWait ?? TimeSpan.FromSeconds(30);
        // Built at the first error: most workers never need it, and an idle producer still holds connections and a thread.
        producer = new Lazy<IProducer<byte[]?, byte[]?>>(() => new ProducerBuilder<byte[]?, byte[]?>(kafka.ApplyTo(new ProducerConfig
        {
            Acks = Acks.All,
            EnableIdempotence = true,
            AllowAutoCreateTopics = false,
            MessageMaxBytes = MessageMaxBytes,
            LingerMs = 0,
            MessageTimeoutMs = (int)this.acknowledgementWait.TotalMilliseconds,
        })).SetLogHandler((_, message) =>
        {
            if (message.Level <= SyslogLevel.Warning) logger.LogWarning("dead-letter producer: {Message}", message.Message);
        }).Build(), LazyThreadSafetyMode.ExecutionAndPublication);
    }

    /// <summary>Makes the stream's deserialization and production errors dead letters (the stream's processing errors stay with the topology).</summary>
    public void Attach(StreamConfig config)
    {
        config.DeserializationExceptionHandler = (_, record, error) => OnDeserializationError(record, error);
        config.ProductionExceptionHandler = OnProductionError;
    }

    public ExceptionHandlerResponse OnDeserializationError(ConsumeResult<byte[], byte[]> record, Exception error)
    {
        var origin = new Origin(record.Topic, record.Partition.Value, record.Offset.Value);
        lock (deadLettered) if (deadLettered.Contains(origin)) return ExceptionHandlerResponse.CONTINUE;
        if (!Send(error, DeserializeStage, origin, record.Message.Key, record.Message.Value, record.Message.Headers)) return ExceptionHandlerResponse.FAIL;
        lock (deadLettered)
        {
            if (deadLettered.Add(origin)) deadLetteredOrder.Enqueue(origin);
            if (deadLetteredOrder.Count > RememberedOrigins) deadLettered.Remove(deadLetteredOrder.Dequeue());
        }
        return ExceptionHandlerResponse.CONTINUE;
    }

    public ProductionExceptionHandlerResponse OnProductionError(DeliveryReport<byte[], byte[]> report)
    {
        if (!RecordRefusals.Contains(report.Error.Code)) return ProductionExceptionHandlerResponse.FAIL;
        var error = new KafkaException(new Error(report.Error.Code, $"writing to {report.Topic}: {report.Error.Reason}"));
        var message = report.Message;
        // A record bound for any topic but this one never got an offset: its origin is the topic it was written to.
        // A dead letter that could not be written keeps the origin it names.
        var origin = OriginNamedBy(message?.Headers) ?? new Origin(report.Topic, report.Partition.Value, -1);
        return Send(error, ProduceStage, origin, message?.Key, message?.Value, message?.Headers)
            ? ProductionExceptionHandlerResponse.CONTINUE : ProductionExceptionHandlerResponse.FAIL;
    }

    /// <summary>
    /// A record a global store's updater could not apply (stage `global-...`): the global thread has no handler and no
    /// producer, and a throw there would stop every stream thread of the worker, again at every restart. False when the
    /// dead letter could not be written either: the updater then skips the record, counted and logged.
    /// </summary>
    public bool GlobalRecordFailed(Exception error, string stage, string topic, int partition, long offset, byte[]? key, byte[]? value, Headers? headers) =>
        Send(error, stage, new Origin(topic, partition, offset), key, value, headers);

    private readonly record struct Origin(string Topic, int Partition, long Offset);

    private static Origin? OriginNamedBy(Headers? headers)
    {
        if (headers is null || !headers.TryGetLastBytes(DeadLetterHeaders.SourceTopic, out var topic)
            || !headers.TryGetLastBytes(DeadLetterHeaders.SourcePartition, out var partition)
            || !headers.TryGetLastBytes(DeadLetterHeaders.SourceOffset, out var offset)
            || !int.TryParse(partition, CultureInfo.InvariantCulture, out var p) || !long.TryParse(offset, CultureInfo.InvariantCulture, out var o))
            return null;
        return new Origin(Encoding.UTF8.GetString(topic), p, o);
    }

    /// <summary>Sends the dead letter and waits for its acknowledgement; false when it was not written.</summary>
    private bool Send(Exception error, string stage, Origin origin, byte[]? key, byte[]? value, Headers? original)
    {
        // The original headers first, ours after: a reader taking the last value of a header name gets ours.
        var headers = new Headers();
        if (DeadLetterFit.Size(original) <= OriginalHeadersMaxBytes)
            foreach (var header in original ?? []) headers.Add(header.Key, header.GetValueBytes());
        foreach (var header in DeadLetterHeaders.For(error, stage, origin.Topic, origin.Partition, origin.Offset)) headers.Add(header.Key, header.GetValueBytes());
        var (fittedKey, fittedValue, truncation) = DeadLetterFit.Fit(key, value, headers);
        if (truncation is not null) headers.Add(DeadLetterHeaders.Truncated, Encoding.UTF8.GetBytes(truncation));
        try
        {
            var delivery = producer.Value.ProduceAsync(TopicNames.DeadLetter, new Message<byte[]?, byte[]?> { Key = fittedKey, Value = fittedValue, Headers = headers });
            if (!delivery.Wait(acknowledgementWait)) throw new TimeoutException($"no acknowledgement within {acknowledgementWait.TotalSeconds:0} s");
        }
        catch (Exception e) when (e is AggregateException or KafkaException or TimeoutException)
        {
            logger.LogError("{Stage} error on {Topic} [{Partition}] @{Offset} ({Error}): the dead letter could not be written ({Failure}), so the stream stops",
                stage, origin.Topic, origin.Partition, origin.Offset, error.Message, (e as AggregateException)?.InnerException?.Message ?? e.Message);
            return false;
        }
        Telemetry.ProcessorMetrics.DeadLettered(stage, error);
        logger.LogWarning("{Stage} error on {Topic} [{Partition}] @{Offset}: {Error}; sent to {DeadLetterTopic}{Truncation}",
            stage, origin.Topic, origin.Partition, origin.Offset, error.Message, TopicNames.DeadLetter, truncation is null ? "" : $" ({truncation})");
        return true;
    }

    public void Dispose()
    {
        if (!producer.IsValueCreated) return;
        producer.Value.Flush(TimeSpan.FromSeconds(10));
        producer.Value.Dispose();
    }
}
