using System.Globalization;
using System.Text;
using Confluent.Kafka;
using Insights.Contracts.Configuration;
using Insights.Contracts.Topics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Insights.Capture.Sinks;

/// <summary>
/// Sends change events to Kafka with an idempotent producer (acks=all, ordered per partition) and Java's
/// default partitioner (murmur2), so each key lands on the partition Debezium's records would.
/// </summary>
public sealed class KafkaChangeEventSink : IChangeEventSink
{
    private readonly IProducer<byte[]?, byte[]?> producer;
    // Until the start-up check has reached the cluster, its failure is reported once, as one line, by the check itself.
    private volatile bool reached;
    private readonly KafkaErrorLog errors = new();

    private readonly ILogger log;

    public KafkaChangeEventSink(KafkaSettings kafka, ILogger? log = null)
    {
        this.log = log ?? NullLogger.Instance;
        producer = new ProducerBuilder<byte[]?, byte[]?>(ProducerConfig(kafka))
            .SetLogHandler((client, message) =>
            {
                errors.Record(client, message);
                if (reached && message.Level <= SyslogLevel.Error) this.log.LogError("capture: kafka: {Message}", message.Message);
            })
            .Build();
    }

    /// <summary>Why a Kafka call failed: its reason and the latest error the client logged.</summary>
    public string Explain(KafkaException failure) => errors.Explain(failure);

    /// <summary>
    /// Asks the cluster for its metadata over the producer's own connection (same servers, same SASL/TLS), so a missing
    /// or misconfigured cluster fails start-up within <paramref name="timeout"/> instead of after the first send times out.
    /// </summary>
    /// <exception cref="KafkaException">The cluster did not answer.</exception>
    public void EnsureReachable(TimeSpan timeout)
    {
        using var admin = new DependentAdminClientBuilder(producer.Handle).Build();
        admin.GetMetadata(timeout);
        reached = true;
    }

    /// <summary>The producer settings: the connection and security settings of <paramref name="kafka"/> plus delivery guarantees.</summary>
    public static ProducerConfig ProducerConfig(KafkaSettings kafka) => kafka.ApplyTo(new ProducerConfig
    {
        EnableIdempotence = true,
        Acks = Acks.All,
        Partitioner = Partitioner.Murmur2Random,
        LingerMs = 5,
        CompressionType = CompressionType.None,
        QueueBufferingMaxMessages = 500_000,
        MessageTimeoutMs = 120_000,
    });

    /// <summary>The stage of a change event the topic refused for its size (`insights.stage` of its dead letter).</summary>
    public const string DeadLetterStage = "capture";

    public void Send(CapturedEvent change, Action<Exception?> delivered) =>
        Produce(change.Topic, new Message<byte[]?, byte[]?> { Key = change.Key, Value = change.Value }, delivered,
            tooLarge: refusal => SendDeadLetter(change, refusal, delivered));

    /// <param name="tooLarge">What to do instead when the record is over the producer's or the broker's size limit; null: report it as a failure.</param>
    private void Produce(string topic, Message<byte[]?, byte[]?> message, Action<Exception?> delivered, Action<Error>? tooLarge)
    {
        while (true)
        {
            try
            {
                producer.Produce(topic, message, report =>
                {
                    if (report.Error.IsError && tooLarge is not null && IsTooLarge(report.Error.Code)) { tooLarge(report.Error); return; }
                    if (!report.Error.IsError) Telemetry.CaptureMetrics.Delivered(topic);
                    delivered(report.Error.IsError ? new KafkaException(report.Error) : null);
                });
                return;
            }
            catch (ProduceException<byte[]?, byte[]?> e) when (e.Error.Code == ErrorCode.Local_QueueFull)
            {
                // The local queue is full: let deliveries drain, then try again (back-pressure on the binlog reader).
                producer.Poll(TimeSpan.FromMilliseconds(50));
            }
            catch (ProduceException<byte[]?, byte[]?> e) when (tooLarge is not null && IsTooLarge(e.Error.Code))
            {
                tooLarge(e.Error);
                return;
            }
        }
    }

    private static bool IsTooLarge(ErrorCode code) => code is ErrorCode.MsgSizeTooLarge or ErrorCode.RecordListTooLarge;

    /// <summary>
    /// A row too large for its topic would stop the capture for good (the checkpoint stays before it, and a restart meets
    /// it again): its event goes to the dead-letter topic instead, cut to fit, and counts as delivered once that is
    /// acknowledged, so the capture goes on. Debezium fails the connector on such a record; the row stays in MariaDB.
    /// </summary>
    private void SendDeadLetter(CapturedEvent change, Error refusal, Action<Exception?> delivered)
    {
        var size = (change.Key?.Length ?? 0) + (change.Value?.Length ?? 0);
        var error = new InvalidDataException(string.Create(CultureInfo.InvariantCulture,
            $"the change event is {size} bytes, more than {change.Topic} accepts ({refusal.Reason})"));
        var headers = DeadLetterHeaders.For(error, DeadLetterStage, change.Topic, -1, -1);
        var (key, value, truncation) = DeadLetterFit.Fit(change.Key, change.Value, headers);
        if (truncation is not null) headers.Add(DeadLetterHeaders.Truncated, Encoding.UTF8.GetBytes(truncation));
        log.LogWarning("capture: {Error}; sent to {DeadLetterTopic}{Truncation}", error.Message, TopicNames.DeadLetter, truncation is null ? "" : $" ({truncation})");
        Produce(TopicNames.DeadLetter, new Message<byte[]?, byte[]?> { Key = key, Value = value, Headers = headers }, delivered, tooLarge: null);
    }

    public Task FlushAsync(CancellationToken ct) => Task.Run(() =>
    {
        while (producer.Flush(TimeSpan.FromMilliseconds(200)) > 0) ct.ThrowIfCancellationRequested();
    }, ct);

    public void Dispose() => producer.Dispose();
}
