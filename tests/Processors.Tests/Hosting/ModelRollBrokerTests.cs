using Confluent.Kafka;
using Insights.Contracts.Configuration;
using Insights.Fixtures.Kafka;
using Insights.Processors.Hosting;
using Insights.Processors.Manifest;
using Insights.TestSupport;
using Microsoft.Extensions.Logging.Abstractions;

namespace Insights.Processors.Tests.Hosting;

public sealed class ModelRollBroker() : KafkaBroker(ProcessorManifest.For(ModelRollBrokerTests.ApplicationId, "cdc", 4));

/// <summary>
/// A new model version rescores everyone: workers are restarted with model B (empty local state, so the member
/// store comes back from the changelog model A's workers wrote). No member event arrives, yet every member is
/// re-emitted with model B's scores and a version above every version model A wrote, so sinks that keep the
/// highest version (Elasticsearch external versions) take them.
/// </summary>
/// <remarks>
/// TopologyTestDriver cannot show this: its in-memory cluster and state folder end with the driver, so a
/// second driver starts with no member store to roll.
/// </remarks>
public sealed class ModelRollBrokerTests(ModelRollBroker broker) : IClassFixture<ModelRollBroker>
{
    public const string ApplicationId = "insights-processors-roll";

    [Fact]
    public async Task A_worker_with_a_new_model_re_emits_every_member_with_higher_versions()
    {
        var attendances = SyntheticCinema.Attendances(120);
        var kafka = new KafkaSettings { BootstrapServers = broker.BootstrapServers };
        using var scores = new ScoreWatch(broker.BootstrapServers, partitions: 4);
        using var producer = new ProducerBuilder<byte[], byte[]>(new ProducerConfig { BootstrapServers = broker.BootstrapServers, Acks = Acks.All }).Build();
        await SyntheticCinema.ProduceAsync(producer, new CinemaChanges(), attendances, TestContext.Current.CancellationToken);

        Dictionary<string, long> versionsOfA;
        using (var a = new ScoringStream(ScoringStreamBrokerTests.Settings(await ModelFileAsync("model-a"), ApplicationId), kafka, NullLoggerFactory.Instance))
        {
            await ScoringStreamBrokerTests.StartAsync(a);
            await Poll.UntilAsync(() => a.Movies.AttendancesCounted == attendances.Count
                    && scores.Latest.Count == SyntheticCinema.Members.Length && scores.Latest.Values.All(u => u.ModelVersion == "model-a"),
                () => $"model A's scores ({a.Movies.AttendancesCounted} attendances counted, {scores.Latest.Count} members)", TimeSpan.FromSeconds(120), TestContext.Current.CancellationToken);
            // Every ticket is applied and flushed once the member scores stop changing.
            await WaitSteadyAsync(() => string.Join(",", scores.Latest.OrderBy(p => p.Key).Select(p => p.Value.Version)), TimeSpan.FromSeconds(2));
            versionsOfA = scores.Latest.ToDictionary(p => p.Key, p => p.Value.Version);
        }

        using var b = new ScoringStream(ScoringStreamBrokerTests.Settings(await ModelFileAsync("model-b"), ApplicationId), kafka, NullLoggerFactory.Instance);
        await ScoringStreamBrokerTests.StartAsync(b);
        await Poll.UntilAsync(() => scores.Latest.Count == SyntheticCinema.Members.Length
                && scores.Latest.Values.All(u => u.ModelVersion == "model-b" && u.Scores.Count == SyntheticCinema.Movies.Length),
            () => $"every member re-emitted by model B; now: {string.Join(", ", scores.Latest.OrderBy(p => p.Key).Select(p => $"{p.Key}={p.Value.ModelVersion}/{p.Value.Version}/{p.Value.Scores.Count}"))}; A: {string.Join(", ", versionsOfA.OrderBy(p => p.Key).Select(p => $"{p.Key}={p.Value}"))}; state {b.State}",
            TimeSpan.FromSeconds(120), TestContext.Current.CancellationToken);

        Assert.Equal(versionsOfA.Keys.Order(), scores.Latest.Keys.Order());
        Assert.All(scores.Latest, pair => Assert.True(pair.Value.Version > versionsOfA[pair.Key],
            $"member {pair.Key}: model B's version {pair.Value.Version} is not above model A's {versionsOfA[pair.Key]}"));
        await broker.AssertNoTrimmedPartitionsAsync();
    }

    private static async Task<string> ModelFileAsync(string version)
    {
        var path = Path.Combine(Path.GetTempPath(), $"insights-model-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(path, TestModel.Create(version).ToJson());
        return path;
    }

    private static Task WaitSteadyAsync(Func<string> measure, TimeSpan quiet)
    {
        var last = measure();
        var steady = System.Diagnostics.Stopwatch.StartNew();
        return Poll.UntilAsync(() =>
            {
                var now = measure();
                if (now != last) { last = now; steady.Restart(); }
                return steady.Elapsed >= quiet;
            },
            () => $"the scores to stay unchanged for {quiet.TotalSeconds:0} s", TimeSpan.FromSeconds(60), TestContext.Current.CancellationToken, TimeSpan.FromMilliseconds(100));
    }
}
