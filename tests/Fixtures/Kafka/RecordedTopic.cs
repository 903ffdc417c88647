using Confluent.Kafka;

namespace Insights.Fixtures.Kafka;

/// <summary>
/// Every record of one topic, read from the start of each of its partitions on a thread of its own until disposed:
/// what a test inspects after the processes under test wrote it (dead letters, the change events a capture sent).
/// </summary>
public sealed class RecordedTopic : IDisposable
{
    private readonly List<ConsumeResult<byte[]?, byte[]?>> records = [];
    private readonly CancellationTokenSource stop = new();
    private readonly Task loop;

    public RecordedTopic(string bootstrapServers, string topic, int partitions)
    {
        Topic = topic;
        var consumer = new ConsumerBuilder<byte[]?, byte[]?>(new ConsumerConfig
        {
            BootstrapServers = bootstrapServers, GroupId = $"recorded-{Guid.NewGuid():N}", EnableAutoCommit = false, FetchWaitMaxMs = 10,
            // Large records (a dead letter near message.max.bytes) must come through whole.
            FetchMaxBytes = 64 * 1024 * 1024, MaxPartitionFetchBytes = 16 * 1024 * 1024,
        }).SetLogHandler((_, _) => { }).Build();
        consumer.Assign(Enumerable.Range(0, partitions).Select(p => new TopicPartitionOffset(topic, p, Offset.Beginning)));
        loop = Task.Run(() =>
        {
            using (consumer)
                while (!stop.IsCancellationRequested)
                    if (consumer.Consume(TimeSpan.FromMilliseconds(100)) is { IsPartitionEOF: false } record)
                        lock (records) records.Add(record);
        });
    }

    public string Topic { get; }

    /// <summary>The records read so far, in the order they were read (per partition, offset order).</summary>
    public IReadOnlyList<ConsumeResult<byte[]?, byte[]?>> Records { get { lock (records) return records.ToList(); } }

    public static string? Header(ConsumeResult<byte[]?, byte[]?> record, string name) =>
        record.Message.Headers?.TryGetLastBytes(name, out var bytes) == true ? System.Text.Encoding.UTF8.GetString(bytes) : null;

    /// <summary>Every value of a header name on the record, first to last.</summary>
    public static IReadOnlyList<string> Headers(ConsumeResult<byte[]?, byte[]?> record, string name) =>
        record.Message.Headers?.Where(h => h.Key == name).Select(h => System.Text.Encoding.UTF8.GetString(h.GetValueBytes())).ToList() ?? [];

    public void Dispose()
    {
        stop.Cancel();
        loop.Wait(TimeSpan.FromSeconds(10));
    }
}
