using System.Diagnostics;
using System.Text.Json;
using Confluent.Kafka;
using Insights.Contracts;
using Insights.Contracts.Configuration;
using Insights.Contracts.Scores;
using Insights.TestSupport;
using static Insights.TestSupport.Statistics;

namespace Insights.DevTool.Demo.Live;

/// <summary>
/// Event-to-score latency as a subscriber sees it: a consumer of the scores topic (no group, from the end)
/// measures now minus the source commit time of each update that answers a member's own event
/// (ScoreUpdate.Source.TsMs; a rescore keeps the member's old source time), keeping the last <see cref="Window"/>
/// of samples. The binlog stamps commits in whole seconds, so a sample can read up to a second high; the median
/// is still the figure to watch.
/// </summary>
public sealed class ScoreLatency : IDisposable
{
    public static readonly TimeSpan Window = TimeSpan.FromSeconds(10);

    private readonly IConsumer<Ignore, byte[]> consumer;
    private readonly Queue<(long AtTicks, double Ms)> samples = new();
    private readonly Lock gate = new();
    private readonly Thread reader;
    private readonly CancellationTokenSource stop = new();
    private long bytes, updates;

    public ScoreLatency(KafkaSettings kafka)
    {
        consumer = new ConsumerBuilder<Ignore, byte[]>(kafka.ApplyTo(new ConsumerConfig
        {
            GroupId = "insights-demo-latency", // assigned, never joins or commits
            EnableAutoCommit = false,
            AllowAutoCreateTopics = false,
            ClientId = "insights-demo-latency",
            // The local mock broker holds an empty fetch for the whole wait, so librdkafka's 500 ms added 0-500 ms to
            // every sample; real Kafka answers a fetch as soon as a record arrives, whatever the wait.
            FetchWaitMaxMs = 10,
        })).SetLogHandler((_, _) => { }).Build();
        reader = new Thread(Read) { IsBackground = true, Name = "demo-score-latency" };
    }

    public void Start(int partitions)
    {
        consumer.Assign(Enumerable.Range(0, partitions).Select(p => new TopicPartitionOffset(DemoRoles.ScoresTopic, p, Offset.End)));
        reader.Start();
    }

    private void Read()
    {
        while (!stop.IsCancellationRequested)
        {
            ConsumeResult<Ignore, byte[]>? record;
            try { record = consumer.Consume(TimeSpan.FromMilliseconds(200)); }
            catch (ConsumeException) { continue; }
            catch (ObjectDisposedException) { return; }
            if (record?.Message?.Value is not { } value) continue;
            var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
            try
            {
                var update = JsonSerializer.Deserialize(value, ContractsJsonContext.Default.ScoreUpdate);
                if (update is null || update.Source.TsMs <= 0 || !ScoreCauses.IsMemberEvent(update.Cause)) continue;
                lock (gate)
                {
                    samples.Enqueue((Stopwatch.GetTimestamp(), now - update.Source.TsMs));
                    bytes += value.Length;
                    updates++;
                }
            }
            catch (JsonException) { } // not ours to judge here: the sink dead-letters bad records
        }
    }

    public LatencySummary Summary()
    {
        lock (gate)
        {
            var oldest = Stopwatch.GetTimestamp() - (long)(Window.TotalSeconds * Stopwatch.Frequency);
            while (samples.Count > 0 && samples.Peek().AtTicks < oldest) samples.Dequeue();
            return LatencySummary.Of(samples.Select(s => s.Ms).ToList(), updates, updates == 0 ? 0 : bytes / updates);
        }
    }

    public void Dispose()
    {
        stop.Cancel();
        if (reader.IsAlive) reader.Join(TimeSpan.FromSeconds(2));
        consumer.Close();
        consumer.Dispose();
        stop.Dispose();
    }
}

/// <summary>Median and 95th percentile of the window's latencies (null without samples), updates seen and their mean size.</summary>
public sealed record LatencySummary(int Samples, double? MedianMs, double? P95Ms, long UpdatesSeen, long MeanUpdateBytes)
{
    public static LatencySummary Of(IReadOnlyList<double> latencies, long updatesSeen, long meanBytes)
    {
        if (latencies.Count == 0) return new LatencySummary(0, null, null, updatesSeen, meanBytes);
        var sorted = latencies.Order().ToArray();
        return new LatencySummary(sorted.Length, Percentile(sorted, 0.5), Percentile(sorted, 0.95), updatesSeen, meanBytes);
    }
}
