using Confluent.Kafka;
using Insights.Contracts.Configuration;
using Insights.Fixtures.Kafka;
using Insights.Processors.Hosting;
using Insights.Processors.Manifest;
using Insights.Processors.Tests.Hosting;
using Insights.Processors.Topology;
using Insights.TestSupport;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using RocksDbSharp;

namespace Insights.Processors.Tests.Topology;

public sealed class LocalStoreBroker() : KafkaBroker(ProcessorManifest.For(RocksDbFlushedOnCloseTests.ApplicationId, "cdc", 4));

/// <summary>
/// The worker's RocksDB stores skip the memtable flush at commits (a crash empties the state folder anyway) and flush
/// when they close: a worker stopped cleanly leaves every member's record in its store files, which is what the next
/// start on that folder resumes from. Walking a store (outboxes at start, every member at a catalog change) leaves no
/// RocksDB iterator open: Streamiz names each one it has to close with the store.
/// </summary>
public sealed class RocksDbFlushedOnCloseTests(LocalStoreBroker broker) : IClassFixture<LocalStoreBroker>
{
    public const string ApplicationId = "insights-local-stores";

    [Fact]
    public async Task A_cleanly_stopped_worker_leaves_every_members_record_in_its_store_files_and_no_iterator_open()
    {
        var attendances = SyntheticCinema.Attendances();
        var changes = new CinemaChanges();
        var model = TestModel.Create();
        var modelPath = Path.Combine(Path.GetTempPath(), $"insights-model-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(modelPath, model.ToJson(), TestContext.Current.CancellationToken);
        var kafka = new KafkaSettings { BootstrapServers = broker.BootstrapServers };
        using var scores = new ScoreWatch(broker.BootstrapServers, partitions: 4);
        using var producer = new ProducerBuilder<byte[], byte[]>(new ProducerConfig { BootstrapServers = broker.BootstrapServers, Acks = Acks.All }).Build();
        await SyntheticCinema.ProduceAsync(producer, changes, attendances, TestContext.Current.CancellationToken);
        var expected = SyntheticCinema.ExpectedScores(attendances, model);
        var settings = ScoringStreamBrokerTests.Settings(modelPath, ApplicationId);

        var logs = new FakeLogCollector();
        // Not disposed: Streamiz keeps the last stream's logger factory process-wide, and a config built later without
        // one (other tests of this process) creates its loggers from it.
        var loggers = LoggerFactory.Create(b => b.SetMinimumLevel(LogLevel.Warning).AddProvider(new FakeLoggerProvider(logs)));
        using (var worker = new ScoringStream(settings, kafka, loggers))
        {
            await ScoringStreamBrokerTests.StartAsync(worker);
            await Poll.UntilAsync(() => worker.Movies.AttendancesCounted == attendances.Count, () => "every attendance counted", TimeSpan.FromSeconds(120), TestContext.Current.CancellationToken);
            await ScoringStreamBrokerTests.TouchCatalogAsync(producer, changes, SyntheticCinema.Start.AddDays(90), scores, expected);
        }

        var folder = CleanStopMarker.ApplicationFolder(settings.StateDir, ApplicationId);
        Assert.True(File.Exists(Path.Combine(folder, CleanStopMarker.FileName)), "the worker stopped cleanly");
        var stores = Directory.EnumerateDirectories(folder, ProcessorTopics.MemberStore, SearchOption.AllDirectories).ToList();
        Assert.Equal(4, stores.Count);
        Assert.Equal(expected.Keys.Select(m => m.ToString()).Order(), stores.SelectMany(KeysIn).Order());
        Assert.DoesNotContain(logs.GetSnapshot(), r => r.Message.Contains("open iterators", StringComparison.Ordinal));
    }

    private static List<string> KeysIn(string store)
    {
        using var db = RocksDb.OpenReadOnly(new DbOptions(), store, new ColumnFamilies(), errIfLogFileExists: false);
        var keys = new List<string>();
        using var iterator = db.NewIterator();
        for (iterator.SeekToFirst(); iterator.Valid(); iterator.Next()) keys.Add(iterator.StringKey());
        return keys;
    }
}
