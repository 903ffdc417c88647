using Confluent.Kafka;
using Insights.Contracts.Configuration;
using Insights.Contracts.Scores;
using Insights.Contracts.Topics;
using Insights.Fixtures.Kafka;
using Insights.Processors.Hosting;
using Insights.Processors.Manifest;
using Insights.TestSupport;
using Microsoft.Extensions.Logging.Abstractions;

namespace Insights.Processors.Tests.Hosting;

public sealed class ProcessorBroker() : KafkaBroker(ProcessorManifest.For(ScoringStreamBrokerTests.ApplicationId, "cdc", 4));

/// <summary>
/// The topology on a broker (the mock cluster in its own process when no Docker engine runs): parity with the
/// evaluation replay for ordered events, and a restarted worker with empty local state restoring members from the
/// changelog and the catalog and collective state from their topics.
/// </summary>
public sealed class ScoringStreamBrokerTests(ProcessorBroker broker) : IClassFixture<ProcessorBroker>
{
    public const string ApplicationId = "insights-processors-it";
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task Scores_match_the_replay_and_survive_a_restart_with_empty_local_state()
    {
        var attendances = SyntheticCinema.Attendances();
        var changes = new CinemaChanges();
        var modelPath = Path.Combine(Path.GetTempPath(), $"insights-model-{Guid.NewGuid():N}.json");
        var model = TestModel.Create();
        await File.WriteAllTextAsync(modelPath, model.ToJson(), TestContext.Current.CancellationToken);
        var kafka = new KafkaSettings { BootstrapServers = broker.BootstrapServers };
        using var scores = new ScoreWatch(broker.BootstrapServers, partitions: 4);
        using var producer = new ProducerBuilder<byte[], byte[]>(new ProducerConfig { BootstrapServers = broker.BootstrapServers, Acks = Acks.All }).Build();

        await SyntheticCinema.ProduceAsync(producer, changes, attendances, TestContext.Current.CancellationToken);
        var expected = SyntheticCinema.ExpectedScores(attendances, model);

        using (var first = new ScoringStream(Settings(modelPath), kafka, NullLoggerFactory.Instance))
        {
            await StartAsync(first);
            await Poll.UntilAsync(() => first.Movies.AttendancesCounted == attendances.Count,
                () => $"the first worker's collective state ({first.Movies.AttendancesCounted} attendances counted, {first.Movies.Catalog.Count} movies, {scores.Latest.Count} members scored, state {first.State})", TimeSpan.FromSeconds(120), TestContext.Current.CancellationToken);
            await TouchCatalogAsync(producer, changes, SyntheticCinema.Start.AddDays(90), scores, expected);
            Assert.Equal(attendances.Count, first.Movies.AttendancesCounted);
            AssertScores(expected, scores);
        }

        // A new worker with an empty state folder: everything comes back from the topics.
        using (var second = new ScoringStream(Settings(modelPath), kafka, NullLoggerFactory.Instance))
        {
            await StartAsync(second);
            await Poll.UntilAsync(() => second.Movies.AttendancesCounted == attendances.Count && second.Movies.Catalog.Count == SyntheticCinema.Movies.Length,
                () => "the second worker's restored collective state and catalog", TimeSpan.FromSeconds(120), TestContext.Current.CancellationToken);
            await TouchCatalogAsync(producer, changes, SyntheticCinema.Start.AddDays(91), scores, expected);
            AssertScores(expected, scores);
        }
        await broker.AssertNoTrimmedPartitionsAsync();
    }

    internal static WorkerSettings Settings(string modelPath, string applicationId = ApplicationId) => new()
    {
        ApplicationId = applicationId, Partitions = 4, ModelPath = modelPath, FlushIntervalMs = 100, NeighbourStaleness = 0, SessionTimeoutMs = 6000,
        CommitIntervalMs = 200, StateDir = Path.Combine(Path.GetTempPath(), "insights-processors-it", Guid.NewGuid().ToString("N")),
    };

    /// <summary>
    /// Changes the catalog, which makes every task rescore every member against the collective state of that moment, and
    /// waits until every member's scores equal the expected ones. The movie profiles settle a flush or two after the last
    /// attendance is counted (neighbour lists are renormalised by the other movies' final counts), so a rescore that ran
    /// before them is repeated by touching again, a second later each time. A member whose rescored content equals what it
    /// last sent sends nothing, so the wait is on the content, not on the versions.
    /// </summary>
    internal static async Task TouchCatalogAsync(IProducer<byte[], byte[]> producer, CinemaChanges changes, DateTime at, ScoreWatch scores,
        Dictionary<int, List<(int MovieId, double Score, bool Seen)>> expected)
    {
        var touches = 0;
        var sinceTouch = System.Diagnostics.Stopwatch.StartNew();
        async Task TouchAsync()
        {
            var change = changes.Movie(1, "action,thriller", "now_showing", at.AddSeconds(touches++));
            await producer.ProduceAsync(new TopicPartition("cdc.cinema.movies", 0), new Message<byte[], byte[]> { Key = change.Key, Value = change.Value });
            sinceTouch.Restart();
        }
        await TouchAsync();
        await Poll.UntilAsync(async () =>
            {
                if (scores.Latest.Count == expected.Count && Matches(expected, scores)) return true;
                if (sinceTouch.Elapsed >= TimeSpan.FromSeconds(5)) await TouchAsync();
                return false;
            },
            () => $"every member's scores to equal the replay after {touches} catalog changes", TimeSpan.FromSeconds(120), TestContext.Current.CancellationToken,
            TimeSpan.FromMilliseconds(100));
    }

    private static bool Matches(Dictionary<int, List<(int MovieId, double Score, bool Seen)>> expected, ScoreWatch scores) =>
        expected.All(e => scores.Latest.TryGetValue(e.Key.ToString(), out var update)
            && update.Scores.OrderBy(s => s.MovieId).Select(s => (s.MovieId, s.Seen)).SequenceEqual(e.Value.Select(s => (s.MovieId, s.Seen)))
            && update.Scores.OrderBy(s => s.MovieId).Zip(e.Value).All(p => Math.Abs(p.First.Score - p.Second.Score) <= 1e-5));

    internal static void AssertScores(Dictionary<int, List<(int MovieId, double Score, bool Seen)>> expected, ScoreWatch scores)
    {
        foreach (var (memberId, want) in expected)
        {
            var got = scores.Latest[memberId.ToString()].Scores.OrderBy(s => s.MovieId).ToList();
            Assert.Equal(want.Select(s => (s.MovieId, s.Seen)), got.Select(s => (s.MovieId, s.Seen)));
            // Collective updates of different movies arrive from four partitions in an interleaving of their own,
            // so float sums of follow weights may differ in the last bits from the replay's order.
            Assert.All(want.Zip(got), pair => Assert.Equal(pair.First.Score, pair.Second.Score, 5));
        }
    }

    internal static async Task StartAsync(ScoringStream stream)
    {
        using var timeout = new CancellationTokenSource(StartTimeout);
        await stream.StartAsync(timeout.Token);
        await Poll.UntilAsync(() => stream.Ready, () => "the stream to run", StartTimeout, TestContext.Current.CancellationToken);
    }
}
