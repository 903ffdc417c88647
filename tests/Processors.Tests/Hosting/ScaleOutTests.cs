using Confluent.Kafka;
using Insights.Contracts.Configuration;
using Insights.Fixtures.Kafka;
using Insights.Processors.Hosting;
using Insights.Processors.Manifest;
using Insights.TestSupport;
using Microsoft.Extensions.Logging.Abstractions;

namespace Insights.Processors.Tests.Hosting;

public sealed class ScaleOutBroker() : KafkaBroker(ProcessorManifest.For(ScaleOutTests.ApplicationId, "cdc", 4));

/// <summary>
/// Two workers of one application on a broker with 4 partitions; one leaves in the middle of the load (a
/// graceful stop, not kill -9) and the other takes its partitions over, restoring their members from the
/// changelog. The final scores equal the evaluation replay, as with a single worker.
/// </summary>
public sealed class ScaleOutTests(ScaleOutBroker broker) : IClassFixture<ScaleOutBroker>
{
    public const string ApplicationId = "insights-processors-scale";

    [Fact]
    public async Task Two_workers_share_the_partitions_and_one_takes_over_when_the_other_stops_mid_load()
    {
        var attendances = SyntheticCinema.Attendances(600);
        var changes = new CinemaChanges();
        var modelPath = Path.Combine(Path.GetTempPath(), $"insights-model-{Guid.NewGuid():N}.json");
        var model = TestModel.Create();
        await File.WriteAllTextAsync(modelPath, model.ToJson(), TestContext.Current.CancellationToken);
        var kafka = new KafkaSettings { BootstrapServers = broker.BootstrapServers };
        using var scores = new ScoreWatch(broker.BootstrapServers, partitions: 4);
        using var producer = new ProducerBuilder<byte[], byte[]>(new ProducerConfig { BootstrapServers = broker.BootstrapServers, Acks = Acks.All }).Build();
        var all = SyntheticCinema.Changes(changes, attendances).ToList();
        var half = all.Count - attendances.Count / 2;

        using var survivor = new ScoringStream(ScoringStreamBrokerTests.Settings(modelPath, ApplicationId), kafka, NullLoggerFactory.Instance);
        var leaver = new ScoringStream(ScoringStreamBrokerTests.Settings(modelPath, ApplicationId), kafka, NullLoggerFactory.Instance);
        await Task.WhenAll(ScoringStreamBrokerTests.StartAsync(survivor), ScoringStreamBrokerTests.StartAsync(leaver));
        await CinemaChanges.ProduceAsync(producer, all.Take(half), TestContext.Current.CancellationToken);
        leaver.Dispose(); // mid-load: its partitions move to the survivor, which restores them from the changelogs
        await CinemaChanges.ProduceAsync(producer, all.Skip(half), TestContext.Current.CancellationToken);

        await Poll.UntilAsync(() => survivor.Movies.AttendancesCounted >= attendances.Count,
            () => $"the survivor's collective state ({survivor.Movies.AttendancesCounted} of {attendances.Count} attendances counted)", TimeSpan.FromSeconds(120), TestContext.Current.CancellationToken);
        var expected = SyntheticCinema.ExpectedScores(attendances, model);
        await ScoringStreamBrokerTests.TouchCatalogAsync(producer, changes, SyntheticCinema.Start.AddDays(95), scores, expected);
        ScoringStreamBrokerTests.AssertScores(expected, scores);
        await broker.AssertNoTrimmedPartitionsAsync();
    }

}
