using Confluent.Kafka;

namespace Insights.Capture.Sinks;

/// <summary>
/// Sends change events to Kafka with an idempotent producer (acks=all, ordered per partition) and Java's
/// default partitioner (murmur2), so each key lands on the partition Debezium's records would.
/// </summary>
public sealed class KafkaChangeEventSink : IChangeEventSink
{
    private readonly IProducer<byte[], byte[]?> _producer;

    public KafkaChangeEventSink(string bootstrapServers)
    {
        var config = new ProducerConfig
        {
            BootstrapServers = bootstrapServers,
            EnableIdempotence = true,
            Acks = Acks.All,
            Partitioner = Partitioner.Murmur2Random,
            LingerMs = 5,
            CompressionType = CompressionType.None,
            QueueBufferingMaxMessages = 500_000,
            MessageTimeoutMs = 120_000,
        };
        _producer = new ProducerBuilder<byte[], byte[]?>(config)
            .SetLogHandler((_, message) => { if (message.Level <= SyslogLevel.Error) Console.Error.WriteLine($"capture: kafka: {message.Message}"); })
            .Build();
    }

    public void Send(CapturedEvent change, Action<Exception?> delivered)
    {
        var message = new Message<byte[], byte[]?> { Key = change.Key, Value = change.Value };
        while (true)
        {
            try
            {
                _producer.Produce(change.Topic, message, report =>
                    delivered(report.Error.IsError ? new KafkaException(report.Error) : null));
                return;
            }
            catch (ProduceException<byte[], byte[]?> e) when (e.Error.Code == ErrorCode.Local_QueueFull)
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
