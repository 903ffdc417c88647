using Confluent.Kafka;

namespace Insights.Stack.Tests.Broker;

/// <summary>Plain produce and consume of numbered records, to prove a broker serves a full round trip.</summary>
internal static class BrokerTraffic
{
    public static async Task<List<string>> ProduceAsync(string bootstrap, string topic, int count)
    {
        using var producer = new ProducerBuilder<string, string>(new ProducerConfig
        {
            BootstrapServers = bootstrap,
            AllowAutoCreateTopics = false,
            MessageTimeoutMs = 15000,
        }).Build();
        var values = Enumerable.Range(0, count).Select(i => $"record-{i}").ToList();
        foreach (var value in values)
            producer.Produce(topic, new Message<string, string> { Key = value, Value = value });
        producer.Flush(TimeSpan.FromSeconds(15));
        // Produce has no per-record result here; the read-back is the proof of delivery.
        await Task.CompletedTask;
        return values;
    }

    /// <summary>Reads every partition from the start (assigned, no group join) until <paramref name="expected"/> records arrived.</summary>
    public static async Task<List<string>> ConsumeAllAsync(string bootstrap, string topic, int partitions, int expected)
    {
        using var consumer = new ConsumerBuilder<string, string>(new ConsumerConfig
        {
            BootstrapServers = bootstrap,
            GroupId = $"traffic-{Guid.NewGuid():N}",
            AllowAutoCreateTopics = false,
            EnableAutoCommit = false,
        }).Build();
        consumer.Assign(Enumerable.Range(0, partitions).Select(p => new TopicPartitionOffset(topic, p, Offset.Beginning)));
        var values = new List<string>();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (values.Count < expected && DateTime.UtcNow < deadline)
        {
            var record = await Task.Run(() => consumer.Consume(TimeSpan.FromMilliseconds(200)));
            if (record?.Message is { } message) values.Add(message.Value);
        }
        return values;
    }
}
