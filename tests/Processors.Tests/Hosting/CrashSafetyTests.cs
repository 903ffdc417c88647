using Confluent.Kafka;
using Confluent.Kafka.Admin;
using Insights.Contracts.Topics;
using Insights.Fixtures.Kafka;
using Insights.Processors.Manifest;
using Insights.Processors.Topology;
using Insights.TestSupport;

namespace Insights.Processors.Tests.Hosting;

public sealed class CrashBroker() : KafkaBroker(ProcessorManifest.For(CrashSafetyTests.ApplicationId, "cdc", CrashSafetyTests.Partitions));

/// <summary>
/// Crash safety: two `insights worker` processes share 8 partitions while 20,000 tickets arrive; one is killed
/// with SIGKILL twice during the load and restarted on an empty state folder (a pod moved to another node). At the
/// end every member's scores equal the evaluation replay's, so no ticket was lost or counted twice.
/// </summary>
public sealed class CrashSafetyTests(CrashBroker broker) : IClassFixture<CrashBroker>
{
    public const string ApplicationId = "insights-processors-crash";
    public const int Partitions = 8;
    private const int Tickets = 20_000;
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(120);
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(250);

    [Fact]
    public async Task Workers_killed_mid_load_end_with_the_replays_scores()
    {
        var ct = TestContext.Current.CancellationToken;
        var (movies, members) = SyntheticCinema.Scaled(movies: 24, members: 200);
        var attendances = SyntheticCinema.Attendances(Tickets, movies, members);
        var changes = new CinemaChanges();
        var all = SyntheticCinema.Changes(changes, attendances, movies, members).ToList();
        var model = TestModel.Create();
        var modelPath = Path.Combine(Path.GetTempPath(), $"insights-model-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(modelPath, model.ToJson(), ct);
        using var scores = new ScoreWatch(broker.BootstrapServers, Partitions);
        using var producer = new ProducerBuilder<byte[], byte[]>(new ProducerConfig { BootstrapServers = broker.BootstrapServers, Acks = Acks.All, LingerMs = 5 }).Build();

        foreach (var (table, change) in all.Where(c => c.Table != "tickets"))
            producer.Produce(new TopicPartition($"cdc.cinema.{table}", CinemaChanges.PartitionOf(change, Partitions)), new Message<byte[], byte[]> { Key = change.Key, Value = change.Value });
        producer.Flush(ct);

        Dictionary<string, string> Settings() => new()
        {
            ["Kafka__BootstrapServers"] = broker.BootstrapServers,
            ["Processors__ModelPath"] = modelPath, ["Processors__ApplicationId"] = ApplicationId,
            ["Processors__Partitions"] = Partitions.ToString(), ["Processors__FlushIntervalMs"] = "1000",
            ["Processors__NeighbourStaleness"] = "0", ["Processors__SessionTimeoutMs"] = "6000", ["Processors__CommitIntervalMs"] = "200",
            ["Processors__StateDir"] = Directory.CreateTempSubdirectory("insights-crash-state-").FullName,
        };
        var survivor = InsightsProcess.Worker("survivor", Settings());
        var victim = InsightsProcess.Worker("victim", Settings());
        try
        {
            await Poll.UntilAsync(() => survivor.Ready && victim.Ready, () => $"both workers to run\n{survivor.Output}\n{victim.Output}", Deadline, ct, Interval);
            // Every member row must reach the member tasks before the member's tickets, as in the replay: all member
            // rows are in one partition, read by one task, while the tickets spread over eight. A ticket forwarded
            // before its member's row is applied under the default audience cell, and the row then moves it to the
            // member's cell (a retraction and a re-add: two more identities in the log, same final scores).
            await Poll.UntilAsync(() => Committed("cdc.cinema.members").Sum() == members.Length,
                () => $"the member rows processed (committed {Committed("cdc.cinema.members").Sum()} of {members.Length})\n{survivor.Output}\n{victim.Output}", Deadline, ct, Interval);

            // A member's tickets go to one partition (by member), so each member's events keep their order. They
            // arrive at about 1,500 a second, so the workers are busy when the victim is killed.
            var tickets = all.Where(c => c.Table == "tickets").Select(c => c.Change).ToList();
            var pace = System.Diagnostics.Stopwatch.StartNew();
            var kills = 0;
            for (var i = 0; i < tickets.Count; i++)
            {
                producer.Produce(new TopicPartition("cdc.cinema.tickets", attendances[i].MemberId % Partitions),
                    new Message<byte[], byte[]> { Key = tickets[i].Key, Value = tickets[i].Value });
                if (i % 100 == 99)
                {
                    var due = TimeSpan.FromSeconds((i + 1) / 1500.0) - pace.Elapsed;
                    if (due > TimeSpan.Zero) await Task.Delay(due, ct);
                }
                if (kills < 2 && i == (kills + 1) * tickets.Count / 3)
                {
                    kills++;
                    victim.Kill();
                    victim.Dispose();
                    victim = InsightsProcess.Worker("victim", Settings());
                }
            }
            producer.Flush(ct);

            await Poll.UntilAsync(() => CommittedTickets() == Tickets && Lag(ProcessorTopics.RepartitionTopic(ApplicationId)) == 0,
                () => $"every ticket processed (committed {CommittedTickets()} of {Tickets}, repartition lag {Lag(ProcessorTopics.RepartitionTopic(ApplicationId))})\n{survivor.Output}\n{victim.Output}", Deadline, ct, Interval);

            // Scores flushed during the load saw the collective state of their moment; a catalog change rescores
            // everyone against the settled state. The global stores of both workers catch up on their own threads,
            // so touch again until the scores equal the replay or the deadline passes.
            var expected = SyntheticCinema.ExpectedScores(attendances, model, movies, members);
            var touch = 0;
            List<string> differences = [];
            await Poll.UntilAsync(async () =>
            {
                touch++;
                var change = changes.Movie(1, movies[0].Genres, "now_showing", SyntheticCinema.Start.AddDays(200 + touch));
                await producer.ProduceAsync(new TopicPartition("cdc.cinema.movies", 0), new Message<byte[], byte[]> { Key = change.Key, Value = change.Value }, ct);
                // A member whose rescored content equals what it sent last sends nothing: wait for content, not versions.
                await Poll.UntilAsync(() => scores.Latest.Count == members.Length, () => $"every member scored before catalog change {touch}", Deadline, ct, Interval);
                differences = Differences(expected, scores);
                return differences.Count == 0;
            }, () => $"every member's scores to equal the replay: {differences.Count} differ, e.g. {string.Join("; ", differences.Take(3))}", TimeSpan.FromSeconds(90), ct,
                TimeSpan.FromSeconds(2));
            // Each ticket counts once: a batch resent after a kill is skipped by identity, so every movie's published
            // count equals the tickets sold for it.
            var sold = attendances.GroupBy(a => a.MovieId).ToDictionary(g => g.Key, g => (float)g.Count());
            var counted = ApplicationProgress.ProfileCounts(broker.BootstrapServers, Partitions);
            Assert.Equal(sold.OrderBy(s => s.Key), counted.Where(c => c.Value != 0).OrderBy(c => c.Key));
            await broker.AssertNoTrimmedPartitionsAsync();
        }
        finally
        {
            survivor.Dispose();
            victim.Dispose();
        }
    }

    private static List<string> Differences(Dictionary<int, List<(int MovieId, double Score, bool Seen)>> expected, ScoreWatch scores)
    {
        var differences = new List<string>();
        foreach (var (memberId, want) in expected)
        {
            var got = scores.Latest[memberId.ToString()].Scores.OrderBy(s => s.MovieId).ToList();
            var wrong = want.Zip(got).Where(p => p.First.MovieId != p.Second.MovieId || p.First.Seen != p.Second.Seen
                || Math.Round(p.First.Score, 5) != Math.Round(p.Second.Score, 5)).ToList();
            if (want.Count != got.Count || wrong.Count > 0)
                differences.Add($"member {memberId}: " + string.Join(", ", wrong.Take(2).Select(p => $"movie {p.First.MovieId} {p.First.Score}/{p.First.Seen} vs {p.Second.Score}/{p.Second.Seen}")));
        }
        return differences;
    }


    /// <summary>Tickets whose offsets the application has committed, over every partition of the tickets topic.</summary>
    private long CommittedTickets() => Committed("cdc.cinema.tickets").Sum();

    private long Lag(string topic)
    {
        using var consumer = new ConsumerBuilder<byte[], byte[]>(new ConsumerConfig { BootstrapServers = broker.BootstrapServers, GroupId = $"lag-{Guid.NewGuid():N}" }).Build();
        var committed = Committed(topic);
        return Enumerable.Range(0, Partitions).Sum(p => consumer.QueryWatermarkOffsets(new TopicPartition(topic, p), TimeSpan.FromSeconds(10)).High.Value - committed[p]);
    }

    private long[] Committed(string topic)
    {
        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = broker.BootstrapServers }).Build();
        var partitions = Enumerable.Range(0, Partitions).Select(p => new TopicPartition(topic, p)).ToList();
        var result = admin.ListConsumerGroupOffsetsAsync([new ConsumerGroupTopicPartitions(ApplicationId, partitions)]).GetAwaiter().GetResult();
        return result.Single().Partitions.OrderBy(p => p.Partition.Value).Select(p => Math.Max(0, p.Offset.Value)).ToArray();
    }
}
