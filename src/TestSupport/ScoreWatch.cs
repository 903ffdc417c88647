using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using Confluent.Kafka;
using Insights.Contracts;
using Insights.Contracts.Scores;
using Insights.Contracts.Topics;

namespace Insights.TestSupport;

/// <summary>
/// Reads `insights.propensity.scores` from its start on its own thread: the newest update per member, and for each
/// update the member, the source position it reflects and its record timestamp, so a bench can tell when the score
/// reflecting a given ticket (by the ticket's source position) was written. The processors' broker tests read the
/// topic with it too.
/// </summary>
public sealed class ScoreWatch : IDisposable
{
    private readonly CancellationTokenSource stop = new();
    private readonly Task loop;
    private long updates;

    /// <param name="arrived">Called on the watch's thread for every update (not for tombstones).</param>
    /// <param name="keepLatest">
    /// Keep the newest full update per member in <see cref="Latest"/>. Without it only the member and the source
    /// position are read from each update, which costs the bench's process far less CPU beside the workers it measures.
    /// </param>
    public ScoreWatch(string bootstrap, int partitions, Action<ScoreArrival>? arrived = null, bool keepLatest = true)
    {
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
                    Interlocked.Increment(ref updates);
                    if (record.Message.Value is null)
                    {
                        if (keepLatest) Latest.TryRemove(Encoding.UTF8.GetString(record.Message.Key), out _);
                        continue;
                    }
                    long memberId, position;
                    string? cause = null;
                    if (keepLatest)
                    {
                        var update = JsonSerializer.Deserialize(record.Message.Value, ContractsJsonContext.Default.ScoreUpdate)!;
                        var key = Encoding.UTF8.GetString(record.Message.Key);
                        if (Latest.TryGetValue(key, out var previous) && update.Version < previous.Version)
                            VersionRegressions.Enqueue($"member {key}: version {update.Version} at offset {record.Offset.Value} after {previous.Version}");
                        Latest[key] = update;
                        (memberId, position, cause) = (update.MemberId, update.Source.Pos, update.Cause);
                    }
                    else (memberId, position) = Head(record.Message.Value);
                    arrived?.Invoke(new ScoreArrival(memberId, position, record.Message.Timestamp.UnixTimestampMs, cause));
                }
        });
    }

    public ConcurrentDictionary<string, ScoreUpdate> Latest { get; } = new();

    /// <summary>
    /// Updates whose version is below the member's previous one (with keepLatest): the sinks keep a member's highest version
    /// (Elasticsearch's external versions, the snapshot; of equal versions the later), so such an update never reaches them.
    /// </summary>
    public ConcurrentQueue<string> VersionRegressions { get; } = new();
    public long Updates => Interlocked.Read(ref updates);

    /// <summary>The member id and source position of a score update's JSON, skipping the scores.</summary>
    private static (long MemberId, long Position) Head(byte[] json)
    {
        var reader = new Utf8JsonReader(json);
        long memberId = -1, position = -1;
        string? parent = null;
        while (reader.Read())
        {
            if (reader.TokenType != JsonTokenType.PropertyName) continue;
            if (reader.CurrentDepth == 1)
            {
                parent = reader.GetString();
                if (parent == "member_id" && reader.Read()) memberId = reader.GetInt64();
                else if (parent != "source") reader.Skip();
            }
            else if (parent == "source" && reader.ValueTextEquals("pos") && reader.Read()) position = reader.GetInt64();
        }
        return (memberId, position);
    }

    public void Dispose()
    {
        stop.Cancel();
        loop.Wait(TimeSpan.FromSeconds(10));
    }
}

/// <summary>
/// A score update as a bench needs it: whose, up to which source position, the record's timestamp (epoch ms), and why
/// it was sent (<see cref="ScoreCauses"/>; read only when the watch keeps the latest updates, null on the benches' fast path).
/// </summary>
public readonly record struct ScoreArrival(long MemberId, long SourcePosition, long TimestampMs, string? Cause = null);
