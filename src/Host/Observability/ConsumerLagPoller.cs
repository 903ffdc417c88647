using System.Diagnostics.Metrics;
using Confluent.Kafka;
using Confluent.Kafka.Admin;
using Insights.Contracts.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Insights.Host.Observability;

/// <summary>A consumer group whose lag is reported, and the topics it reads (its internal repartition topics are found by name).</summary>
public sealed record ConsumerGroupWatch(string Group, IReadOnlyList<string> Topics);

/// <summary>
/// Polls consumer lag off the hot path: every few seconds, each watched group's committed offsets (AdminClient
/// ListConsumerGroupOffsets) against the partitions' high watermarks (QueryWatermarkOffsets), published as the
/// gauge insights.kafka.consumer_lag by group, topic and partition. A partition with no commit yet lags by
/// everything it holds (high - low watermark), which is what a group starting from the earliest offset owes.
/// </summary>
public sealed class ConsumerLagPoller(KafkaSettings kafka, IReadOnlyList<ConsumerGroupWatch> groups, TimeSpan interval,
    ILogger<ConsumerLagPoller> logger) : BackgroundService
{
    public const string MeterName = "Insights.Kafka";
    private static readonly Meter Meter = new(MeterName);
    private static readonly object Gate = new();
    // Every poller in the process publishes through the one gauge; each keeps its own last readings.
    private static readonly List<ConsumerLagPoller> Pollers = [];

    static ConsumerLagPoller() =>
        Meter.CreateObservableGauge("insights.kafka.consumer_lag", Readings, "{message}",
            "Messages not yet committed by the consumer group, by group, topic and partition.");

    private volatile IReadOnlyList<Measurement<long>> last = [];

    /// <summary>Why the last poll failed (Kafka not answering), or null once one succeeded.</summary>
    public string? LastError { get; private set; } = "consumer lag not polled yet";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        lock (Gate) Pollers.Add(this);
        try
        {
            using var admin = new AdminClientBuilder(kafka.ApplyTo(new AdminClientConfig()))
                .SetLogHandler((_, m) => logger.LogDebug("librdkafka {Facility}: {Message}", m.Facility, m.Message)).Build();
            using var watermarks = new ConsumerBuilder<Ignore, Ignore>(kafka.ApplyTo(new ConsumerConfig { GroupId = "insights-lag-poller", EnableAutoCommit = false }))
                .SetLogHandler((_, m) => logger.LogDebug("librdkafka {Facility}: {Message}", m.Facility, m.Message)).Build();
            using var timer = new PeriodicTimer(interval);
            do
            {
                try
                {
                    var readings = new List<Measurement<long>>();
                    foreach (var watch in groups) readings.AddRange(await PollAsync(admin, watermarks, watch, stoppingToken));
                    last = readings;
                    LastError = null;
                }
                catch (KafkaException e)
                {
                    if (LastError is null) logger.LogWarning("consumer lag: Kafka did not answer ({Reason}); retrying every {Seconds} s", e.Error.Reason, interval.TotalSeconds);
                    LastError = $"Kafka at {kafka.BootstrapServers} did not answer: {e.Error.Reason}";
                }
            } while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested) { }
        finally { lock (Gate) Pollers.Remove(this); }
    }

    private async Task<List<Measurement<long>>> PollAsync(IAdminClient admin, IConsumer<Ignore, Ignore> watermarks, ConsumerGroupWatch watch, CancellationToken ct)
    {
        var timeout = TimeSpan.FromSeconds(10);
        var partitions = new HashSet<TopicPartition>();
        var metadata = admin.GetMetadata(timeout);
        foreach (var topic in metadata.Topics.Where(t => Watched(watch, t.Topic) && !t.Error.IsError))
            foreach (var p in topic.Partitions) partitions.Add(new TopicPartition(topic.Topic, p.PartitionId));
        if (partitions.Count == 0) return [];
        // Partitions named explicitly: the mock broker answers an "all committed partitions" fetch with none.
        var committed = (await admin.ListConsumerGroupOffsetsAsync([new ConsumerGroupTopicPartitions(watch.Group, [.. partitions])],
                new ListConsumerGroupOffsetsOptions { RequestTimeout = timeout }))
            .SelectMany(g => g.Partitions).Where(p => !p.Error.IsError)
            .ToDictionary(p => p.TopicPartition, p => p.Offset);
        var readings = new List<Measurement<long>>(partitions.Count);
        foreach (var partition in partitions.OrderBy(p => p.Topic, StringComparer.Ordinal).ThenBy(p => p.Partition.Value))
        {
            ct.ThrowIfCancellationRequested();
            var range = watermarks.QueryWatermarkOffsets(partition, timeout);
            var from = committed.TryGetValue(partition, out var offset) && offset.Value >= 0 ? offset.Value : range.Low.Value;
            readings.Add(new Measurement<long>(Math.Max(0, range.High.Value - from),
                new KeyValuePair<string, object?>("group", watch.Group),
                new KeyValuePair<string, object?>("topic", partition.Topic),
                new KeyValuePair<string, object?>("partition", partition.Partition.Value)));
        }
        return readings;
    }

    /// <summary>The group's topics, and its Kafka Streams internal repartition topics ({application id}-...-repartition).</summary>
    private static bool Watched(ConsumerGroupWatch watch, string topic) =>
        watch.Topics.Contains(topic) || topic.StartsWith(watch.Group + "-", StringComparison.Ordinal) && topic.EndsWith("-repartition", StringComparison.Ordinal);

    private static IEnumerable<Measurement<long>> Readings()
    {
        lock (Gate) return Pollers.SelectMany(p => p.last).ToList();
    }
}
