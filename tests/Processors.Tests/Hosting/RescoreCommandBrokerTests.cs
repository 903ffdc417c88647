using System.Collections.Concurrent;
using System.Text;
using Confluent.Kafka;
using Insights.Contracts.Commands;
using Insights.Contracts.Configuration;
using Insights.Contracts.Scores;
using Insights.Contracts.Topics;
using Insights.Fixtures.Kafka;
using Insights.Processors.Hosting;
using Insights.Processors.Manifest;
using Insights.TestSupport;
using Microsoft.Extensions.Logging.Abstractions;

namespace Insights.Processors.Tests.Hosting;

public sealed class RescoreCommandBroker() : KafkaBroker(ProcessorManifest.For(RescoreCommandBrokerTests.ApplicationId, "cdc", 4));

/// <summary>
/// A rescore command across worker restarts, each new worker on an empty state folder (its member store comes back from
/// the changelog, the command from the commands topic, read whole again): a command a worker handled is not handled again
/// by the next one, and a command written while no worker ran is handled by the next one to start.
/// </summary>
/// <remarks>The TopologyTestDriver cannot show this: its in-memory cluster and state folder end with the driver.</remarks>
public sealed class RescoreCommandBrokerTests(RescoreCommandBroker broker) : IClassFixture<RescoreCommandBroker>
{
    public const string ApplicationId = "insights-processors-rescore";

    [Fact]
    public async Task A_command_is_handled_once_across_restarts_and_one_written_while_no_worker_ran_is_handled_at_the_next_start()
    {
        var ct = TestContext.Current.CancellationToken;
        var attendances = SyntheticCinema.Attendances(60);
        var changes = new CinemaChanges();
        var kafka = new KafkaSettings { BootstrapServers = broker.BootstrapServers };
        var modelPath = Path.Combine(Path.GetTempPath(), $"insights-model-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(modelPath, TestModel.Create().ToJson(), ct);
        // Every update counts for "scored" and for quiet; only those sent for a command count as handling one. A member
        // may also be rescored because the movie profiles moved (the freshness walk a new worker starts with): that is
        // not the command handled again.
        var sent = new ConcurrentDictionary<long, int>();
        var commanded = new ConcurrentDictionary<long, int>();
        using var scores = new ScoreWatch(broker.BootstrapServers, partitions: 4, arrived: a =>
        {
            sent.AddOrUpdate(a.MemberId, 1, (_, n) => n + 1);
            if (a.Cause == ScoreCauses.Command) commanded.AddOrUpdate(a.MemberId, 1, (_, n) => n + 1);
        });
        using var producer = new ProducerBuilder<byte[], byte[]>(new ProducerConfig { BootstrapServers = broker.BootstrapServers, Acks = Acks.All }).Build();
        await SyntheticCinema.ProduceAsync(producer, changes, attendances, ct);
        var members = SyntheticCinema.Members.Select(m => (long)m.Member).ToList();

        Dictionary<long, int> afterFirst;
        using (var first = new ScoringStream(ScoringStreamBrokerTests.Settings(modelPath, ApplicationId), kafka, NullLoggerFactory.Instance))
        {
            await ScoringStreamBrokerTests.StartAsync(first);
            await Poll.UntilAsync(() => first.Movies.AttendancesCounted == attendances.Count && members.All(sent.ContainsKey),
                () => $"every member scored ({first.Movies.AttendancesCounted} attendances counted, {sent.Count} members)", TimeSpan.FromSeconds(120), ct);
            await WaitSteadyAsync(sent, first);
            Assert.Empty(commanded);

            await SendAsync(producer, RescoreCommand.New("first restore"), ct);

            await Poll.UntilAsync(() => members.All(commanded.ContainsKey), () => $"every member sent again: {Describe(commanded)}", TimeSpan.FromSeconds(120), ct);
            await WaitSteadyAsync(sent, first);
            afterFirst = Snapshot(sent);
            Assert.All(members, m => Assert.Equal(1, commanded[m]));
        }

        // The same command, read again by a new worker whose member store is restored with the mark: nothing is sent again.
        using (var second = new ScoringStream(ScoringStreamBrokerTests.Settings(modelPath, ApplicationId), kafka, NullLoggerFactory.Instance))
        {
            await ScoringStreamBrokerTests.StartAsync(second);
            // A member's new ticket: once its scores are out, every task has flushed since its store was restored.
            var witness = members[0];
            await producer.ProduceAsync(new TopicPartition("cdc.cinema.tickets", 0), ToMessage(changes.Ticket(10_000, (int)witness, 10, SyntheticCinema.Start.AddDays(30))), ct);
            await Poll.UntilAsync(() => sent[witness] > afterFirst[witness], () => $"member {witness}'s scores after the new ticket", TimeSpan.FromSeconds(120), ct);
            await WaitSteadyAsync(sent, second);
            Assert.All(members, m => Assert.Equal(1, commanded[m]));
        }

        // A command written while no worker runs is handled by the next worker to start.
        await SendAsync(producer, RescoreCommand.New("second restore"), ct);
        using (var third = new ScoringStream(ScoringStreamBrokerTests.Settings(modelPath, ApplicationId), kafka, NullLoggerFactory.Instance))
        {
            await ScoringStreamBrokerTests.StartAsync(third);
            await Poll.UntilAsync(() => members.All(m => commanded[m] >= 2), () => $"every member sent again: {Describe(commanded)}", TimeSpan.FromSeconds(120), ct);
            await WaitSteadyAsync(sent, third);
            Assert.All(members, m => Assert.Equal(2, commanded[m]));
        }
        await broker.AssertNoTrimmedPartitionsAsync();
    }

    private static Task SendAsync(IProducer<byte[], byte[]> producer, RescoreCommand command, CancellationToken ct) =>
        producer.ProduceAsync(TopicNames.ProcessorCommands, new Message<byte[], byte[]> { Key = Encoding.UTF8.GetBytes(RescoreCommand.Key), Value = command.Encode() }, ct);

    private static Message<byte[], byte[]> ToMessage((byte[] Key, byte[] Value) change) => new() { Key = change.Key, Value = change.Value };

    private static Dictionary<long, int> Snapshot(ConcurrentDictionary<long, int> sent) => new(sent);

    private static string Describe(ConcurrentDictionary<long, int> commanded) =>
        string.Join(", ", commanded.OrderBy(p => p.Key).Select(p => $"member {p.Key}: {p.Value} sent for a command"));

    /// <summary>
    /// Waits until neither a score update nor a movie profile arrived for 3 s: a profile that changes after the last
    /// scores rescores the members whose scores it moves, which would be counted as a second send.
    /// </summary>
    private static Task WaitSteadyAsync(ConcurrentDictionary<long, int> sent, ScoringStream stream)
    {
        (int, long) Now() => (sent.Values.Sum(), stream.Movies.ProfilesApplied);
        var last = Now();
        var steady = System.Diagnostics.Stopwatch.StartNew();
        return Poll.UntilAsync(() =>
            {
                var now = Now();
                if (now != last) { last = now; steady.Restart(); }
                return steady.Elapsed >= TimeSpan.FromSeconds(3);
            },
            () => "score updates and movie profiles to stop arriving for 3 s", TimeSpan.FromSeconds(60), TestContext.Current.CancellationToken, TimeSpan.FromMilliseconds(100));
    }
}
