using Confluent.Kafka;
using Confluent.Kafka.Admin;
using Insights.Contracts.Configuration;
using Insights.Fixtures;
using Insights.Fixtures.Kafka;
using Insights.Processors.Hosting;
using Insights.Processors.Manifest;
using Insights.TestSupport;
using Microsoft.Extensions.Logging.Abstractions;

namespace Insights.Processors.Tests.Hosting;

/// <summary>Apache Kafka in a container (started by the test itself, only when a Docker engine answers).</summary>
public sealed class ExactlyOnceBroker() : KafkaBroker(ProcessorManifest.For(ExactlyOnceTests.ApplicationId, "cdc", 4));

/// <summary>
/// `Processors:Guarantee=exactly_once` against real Kafka: the worker's scores equal the evaluation replay, its input
/// offsets are committed through its transactions, and a worker restarted on an empty state folder resumes from them
/// and from the changelogs without a second copy of any collective update. The local mock broker cannot show this:
/// its TxnOffsetCommit does not store offsets, so a restarted worker would start over from the first record.
/// </summary>
public sealed class ExactlyOnceTests
{
    public const string ApplicationId = "insights-processors-eos";

    [Fact]
    public async Task Exactly_once_scores_match_the_replay_and_commit_their_offsets_in_transactions()
    {
        if (!DockerEngine.IsAvailable)
            Assert.Skip("no Docker engine: exactly-once needs Kafka transactions, and the mock broker's TxnOffsetCommit stores no offsets");
        await using var broker = new ExactlyOnceBroker();
        await broker.InitializeAsync();
        var ct = TestContext.Current.CancellationToken;
        var attendances = SyntheticCinema.Attendances();
        var changes = new CinemaChanges();
        var model = TestModel.Create();
        var modelPath = Path.Combine(Path.GetTempPath(), $"insights-model-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(modelPath, model.ToJson(), ct);
        var kafka = new KafkaSettings { BootstrapServers = broker.BootstrapServers };
        WorkerSettings Settings() => ScoringStreamBrokerTests.Settings(modelPath, ApplicationId) with { Guarantee = WorkerSettings.ExactlyOnce, CommitIntervalMs = null };
        // The scores reader reads committed records only (librdkafka's default), as the sink does.
        using var scores = new ScoreWatch(broker.BootstrapServers, partitions: 4);
        using var producer = new ProducerBuilder<byte[], byte[]>(new ProducerConfig { BootstrapServers = broker.BootstrapServers, Acks = Acks.All }).Build();
        await SyntheticCinema.ProduceAsync(producer, changes, attendances, ct);
        var expected = SyntheticCinema.ExpectedScores(attendances, model);
        var tickets = attendances.Count;

        using (var first = new ScoringStream(Settings(), kafka, NullLoggerFactory.Instance))
        {
            await ScoringStreamBrokerTests.StartAsync(first);
            await Poll.UntilAsync(() => first.Movies.AttendancesCounted == tickets,
                () => $"the collective state of the exactly-once worker ({first.Movies.AttendancesCounted} of {tickets} attendances counted, {first.NotReadyReason?.Reason ?? "ready"})", TimeSpan.FromSeconds(120), ct);
            await ScoringStreamBrokerTests.TouchCatalogAsync(producer, changes, SyntheticCinema.Start.AddDays(90), scores, expected);
            ScoringStreamBrokerTests.AssertScores(expected, scores);
            await Poll.UntilAsync(() => CommittedTickets(broker) == tickets, () => $"the tickets' offsets committed (now {CommittedTickets(broker)} of {tickets})", TimeSpan.FromSeconds(120), ct, TimeSpan.FromMilliseconds(100));
        }

        using (var second = new ScoringStream(Settings(), kafka, NullLoggerFactory.Instance))
        {
            await ScoringStreamBrokerTests.StartAsync(second);
            await Poll.UntilAsync(() => second.Movies.AttendancesCounted == tickets, () => "the second worker's movie profiles", TimeSpan.FromSeconds(120), ct);
            await ScoringStreamBrokerTests.TouchCatalogAsync(producer, changes, SyntheticCinema.Start.AddDays(91), scores, expected);
            ScoringStreamBrokerTests.AssertScores(expected, scores);
            // Nothing was replayed: the committed offsets held, so no member event was applied or published twice.
            Assert.Equal(0L, second.Movies.DuplicatesSkipped);
        }
    }

    private static long CommittedTickets(KafkaBroker broker)
    {
        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = broker.BootstrapServers }).Build();
        var partitions = Enumerable.Range(0, 4).Select(p => new TopicPartition("cdc.cinema.tickets", p)).ToList();
        var result = admin.ListConsumerGroupOffsetsAsync([new ConsumerGroupTopicPartitions(ApplicationId, partitions)]).GetAwaiter().GetResult();
        return result.Single().Partitions.Sum(p => Math.Max(0, p.Offset.Value));
    }
}
