using Confluent.Kafka;
using Insights.Contracts.Topics;
using Insights.Fixtures.Kafka;
using Streamiz.Kafka.Net;
using Streamiz.Kafka.Net.SerDes;
using Streamiz.Kafka.Net.Table;

namespace Insights.Stack.Tests.Broker;

/// <summary>The topics of the count application, all pre-created: source, sink and the store's changelog.</summary>
public sealed class CountTopics() : KafkaBroker(new TopicManifest([
    new TopicSpec(StreamizCountTests.Input, 4),
    new TopicSpec(StreamizCountTests.Output, 4, CleanupPolicy.Compact),
    new TopicSpec(StreamizCountTests.Changelog, 4, CleanupPolicy.Compact),
]));

/// <summary>
/// A Streamiz application counting records per key, end to end through the broker (the local broker
/// process without Docker): RocksDB store with a changelog, no topic auto-creation, short session timeout.
/// </summary>
public sealed class StreamizCountTests(CountTopics broker) : IClassFixture<CountTopics>
{
    public const string Input = "count-input";
    public const string Output = "count-output";
    public const string ApplicationId = "insights-broker-count-test";
    public const string Store = "counts";
    public const string Changelog = $"{ApplicationId}-{Store}-changelog";

    [Fact]
    public async Task Counts_every_key_exactly_as_often_as_it_was_produced()
    {
        // Key i appears i+1 times, interleaved, so every partition sees many keys and repeated updates.
        var expected = Enumerable.Range(0, 40).ToDictionary(i => $"member-{i}", i => (long)(i + 1));
        await ProduceAsync(expected);

        var stateDir = Directory.CreateTempSubdirectory("insights-streamiz-").FullName;
        try
        {
            var config = new StreamConfig<StringSerDes, StringSerDes>
            {
                ApplicationId = ApplicationId,
                BootstrapServers = broker.BootstrapServers,
                AutoOffsetReset = AutoOffsetReset.Earliest,
                AllowAutoCreateTopics = false, // a topic missing from the manifest must fail, not appear
                SessionTimeoutMs = 6000,       // the mock rebalances only after a session times out
                StateDir = stateDir,
                CommitIntervalMs = 100,
            };
            var builder = new StreamBuilder();
            builder.Stream<string, string>(Input)
                .GroupByKey()
                .Count(RocksDb.As<string, long, StringSerDes, Int64SerDes>(Store))
                .ToStream()
                .To<StringSerDes, Int64SerDes>(Output);

            using var stream = new KafkaStream(builder.Build(), config);
            var running = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var lastState = "CREATED";
            stream.StateChanged += (_, now) =>
            {
                lastState = now.ToString();
                if (now == KafkaStream.State.RUNNING) running.TrySetResult();
                if (now == KafkaStream.State.ERROR) running.TrySetException(new InvalidOperationException("Streamiz went to ERROR while starting (its log names the cause, e.g. a topic missing from the manifest)"));
            };
            // Streamiz retries a failed CreateTopics for ~11 minutes: a start-up that hangs must fail fast.
            using var startup = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            try
            {
                var start = stream.StartAsync(startup.Token);
                _ = start.ContinueWith(t => running.TrySetException(t.Exception!.InnerExceptions), TaskContinuationOptions.OnlyOnFaulted);
                await running.Task.WaitAsync(startup.Token);
            }
            catch (OperationCanceledException) when (startup.IsCancellationRequested)
            {
                Assert.Fail($"Streamiz not RUNNING after 60 s (last state {lastState}): is every topic it needs in the manifest?");
            }

            var counted = await ReadLatestCountsAsync(expected, TimeSpan.FromSeconds(60));
            Assert.Equal(expected.OrderBy(kv => kv.Key), counted.OrderBy(kv => kv.Key));
            stream.Dispose();
            Assert.True(RecordsIn(Changelog) > 0, $"the RocksDB store wrote nothing to its pre-created changelog {Changelog}");
        }
        finally
        {
            try { Directory.Delete(stateDir, recursive: true); } catch (IOException) { }
        }
        await broker.AssertNoTrimmedPartitionsAsync();
    }

    private async Task ProduceAsync(IReadOnlyDictionary<string, long> counts)
    {
        using var producer = new ProducerBuilder<string, string>(new ProducerConfig
        {
            BootstrapServers = broker.BootstrapServers,
            AllowAutoCreateTopics = false,
            EnableIdempotence = true,
        }).Build();
        var remaining = counts.ToDictionary(kv => kv.Key, kv => kv.Value);
        for (var sequence = 0; remaining.Count > 0; sequence++)
            foreach (var key in remaining.Keys.ToList())
            {
                await producer.ProduceAsync(Input, new Message<string, string> { Key = key, Value = $"ticket-{sequence}" });
                if (--remaining[key] == 0) remaining.Remove(key);
            }
        producer.Flush(TimeSpan.FromSeconds(10));
    }

    /// <summary>The newest count per key on the output topic, read until it matches or time runs out.</summary>
    private async Task<Dictionary<string, long>> ReadLatestCountsAsync(IReadOnlyDictionary<string, long> expected, TimeSpan limit)
    {
        // Streamiz's Int64SerDes writes little-endian, unlike Confluent's Int64 serializer: read with the same SerDes.
        var counts = new Int64SerDes();
        using var consumer = new ConsumerBuilder<string, byte[]>(new ConsumerConfig
        {
            BootstrapServers = broker.BootstrapServers,
            GroupId = $"count-reader-{Guid.NewGuid():N}",
            AutoOffsetReset = AutoOffsetReset.Earliest,
            AllowAutoCreateTopics = false,
            EnableAutoCommit = false,
        }).Build();
        // Assigned, not subscribed: no group join, so no rebalance wait on the mock.
        consumer.Assign(Enumerable.Range(0, 4).Select(p => new TopicPartitionOffset(Output, p, Offset.Beginning)));
        var latest = new Dictionary<string, long>();
        var deadline = DateTime.UtcNow + limit;
        while (DateTime.UtcNow < deadline && !SameCounts(latest, expected))
        {
            var record = await Task.Run(() => consumer.Consume(TimeSpan.FromMilliseconds(200)));
            if (record?.Message is { } message) latest[message.Key] = counts.Deserialize(message.Value, new SerializationContext(MessageComponentType.Value, Output));
        }
        return latest;
    }

    private long RecordsIn(string topic)
    {
        using var consumer = new ConsumerBuilder<Ignore, Ignore>(new ConsumerConfig { BootstrapServers = broker.BootstrapServers, GroupId = "count-changelog-probe" }).Build();
        return Enumerable.Range(0, 4).Sum(p =>
        {
            var offsets = consumer.QueryWatermarkOffsets(new TopicPartition(topic, p), TimeSpan.FromSeconds(10));
            return offsets.High.Value - offsets.Low.Value;
        });
    }

    private static bool SameCounts(Dictionary<string, long> actual, IReadOnlyDictionary<string, long> expected) =>
        actual.Count == expected.Count && expected.All(kv => actual.TryGetValue(kv.Key, out var v) && v == kv.Value);
}
