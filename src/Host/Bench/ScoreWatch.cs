using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Confluent.Kafka;
using Insights.Contracts;
using Insights.Contracts.Scores;
using Insights.Contracts.Topics;

namespace Insights.Host.Bench;

/// <summary>
/// Reads `insights.propensity.scores` from its start on its own thread: the newest update per member, and for
/// each update the moment it arrived, so a bench can tell when the score reflecting a given ticket (by the
/// ticket's source position) reached the topic. The processors' broker tests read the topic with it too.
/// </summary>
public sealed class ScoreWatch : IDisposable
{
    private readonly CancellationTokenSource stop = new();
    private readonly Task loop;
    private readonly Action<ScoreUpdate, long>? arrived;

    public ScoreWatch(string bootstrap, int partitions, Action<ScoreUpdate, long>? arrived = null)
    {
        this.arrived = arrived;
        var consumer = new ConsumerBuilder<byte[], byte[]>(new ConsumerConfig
        {
            BootstrapServers = bootstrap, GroupId = $"insights-bench-scores-{Guid.NewGuid():N}", EnableAutoCommit = false,
            AutoOffsetReset = AutoOffsetReset.Earliest, FetchWaitMaxMs = 10,
        }).Build();
        consumer.Assign(Enumerable.Range(0, partitions).Select(p => new TopicPartitionOffset(TopicNames.Scores, p, Offset.Beginning)));
        loop = Task.Run(() =>
        {
            using (consumer)
                while (!stop.IsCancellationRequested)
                {
                    var record = consumer.Consume(TimeSpan.FromMilliseconds(100));
                    if (record is null) continue;
                    var key = Encoding.UTF8.GetString(record.Message.Key);
                    Updates++;
                    if (record.Message.Value is null) { Latest.TryRemove(key, out _); continue; }
                    var update = JsonSerializer.Deserialize(record.Message.Value, ContractsJsonContext.Default.ScoreUpdate)!;
                    Latest[key] = update;
                    this.arrived?.Invoke(update, Stopwatch.GetTimestamp());
                }
        });
    }

    public ConcurrentDictionary<string, ScoreUpdate> Latest { get; } = new();
    public long Updates { get; private set; }

    public void Dispose()
    {
        stop.Cancel();
        loop.Wait(TimeSpan.FromSeconds(10));
    }
}
