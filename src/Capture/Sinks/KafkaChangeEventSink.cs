using Confluent.Kafka;
using Insights.Contracts.Configuration;

namespace Insights.Capture.Sinks;

/// <summary>
/// Sends change events to Kafka with an idempotent producer (acks=all, ordered per partition) and Java's
/// default partitioner (murmur2), so each key lands on the partition Debezium's records would.
/// </summary>
public sealed class KafkaChangeEventSink : IChangeEventSink
{
    private readonly IProducer<byte[]?, byte[]?> _producer;
    // Until the start-up check has reached the cluster, its failure is reported once, as one line, by the check itself.
    private volatile bool _reached;
    private readonly KafkaErrorLog _errors = new();

    public KafkaChangeEventSink(KafkaSettings kafka)
    {
        _producer = new ProducerBuilder<byte[]?, byte[]?>(ProducerConfig(kafka))
            .SetLogHandler((client, message) =>
            {
                _errors.Record(client, message);
                if (_reached && message.Level <= SyslogLevel.Error) Console.Error.WriteLine($"capture: kafka: {message.Message}");
            })
            .Build();
    }

    /// <summary>Why a Kafka call failed: its reason and the latest error the client logged.</summary>
    public string Explain(KafkaException failure) => _errors.Explain(failure);

    /// <summary>
    /// Asks the cluster for its metadata over the producer's own connection (same servers, same SASL/TLS), so a missing
    /// or misconfigured cluster fails start-up within <paramref name="timeout"/> instead of after the first send times out.
    /// </summary>
    /// <exception cref="KafkaException">The cluster did not answer.</exception>
    public void EnsureReachable(TimeSpan timeout)
    {
        using var admin = new DependentAdminClientBuilder(_producer.Handle).Build();
        admin.GetMetadata(timeout);
        _reached = true;
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

    public void Send(CapturedEvent change, Action<Exception?> delivered)
    {
        var message = new Message<byte[]?, byte[]?> { Key = change.Key, Value = change.Value };
        while (true)
        {
            try
            {
                _producer.Produce(change.Topic, message, report =>
                {
                    if (!report.Error.IsError) Telemetry.CaptureMetrics.Delivered(change.Topic);
                    delivered(report.Error.IsError ? new KafkaException(report.Error) : null);
                });
                return;
            }
            catch (ProduceException<byte[]?, byte[]?> e) when (e.Error.Code == ErrorCode.Local_QueueFull)
            {
                // The local queue is full: let deliveries drain, then try again (back-pressure on the binlog reader).
                _producer.Poll(TimeSpan.FromMilliseconds(50));
            }
        }
    }

    public Task FlushAsync(CancellationToken ct) => Task.Run(() =>
    {
        while (_producer.Flush(TimeSpan.FromMilliseconds(200)) > 0) ct.ThrowIfCancellationRequested();
    }, ct);

    public void Dispose() => _producer.Dispose();
}
