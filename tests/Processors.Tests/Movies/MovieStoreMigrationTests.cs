using System.Text;
using Confluent.Kafka;
using Insights.Contracts.Configuration;
using Insights.Fixtures.Kafka;
using Insights.Processors.Hosting;
using Insights.Processors.Manifest;
using Insights.Processors.Movies;
using Insights.Processors.Tests.Hosting;
using Insights.Processors.Topology;
using Insights.TestSupport;
using Microsoft.Extensions.Logging.Abstractions;

namespace Insights.Processors.Tests.Movies;

public sealed class MovieStoreMigrationBroker() : KafkaBroker(ProcessorManifest.For(MovieStoreMigrationTests.ApplicationId, "cdc", 1));

/// <summary>
/// A movie store written before the blocks, a record per pair cell, as a worker restores it from its changelog: the
/// task reads those cells, and its next commit writes their blocks and deletes the cell records, through the changelog.
/// </summary>
public sealed class MovieStoreMigrationTests(MovieStoreMigrationBroker broker) : IClassFixture<MovieStoreMigrationBroker>
{
    public const string ApplicationId = "insights-movie-store-migration";
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private static readonly string Changelog = ProcessorTopics.ChangelogTopic(ApplicationId, ProcessorTopics.MovieStore);

    // Movies 1 and 2 seen together by three members, 2 followed 1 once: what an older worker left in the changelog.
    private static readonly Dictionary<string, float> OldCells = new() { ["c:1:2"] = 3, ["c:2:1"] = 3, ["f:1:2"] = 1 };

    [Fact]
    public async Task A_store_of_cell_records_is_rewritten_in_blocks_and_its_cell_records_deleted_at_the_next_commit()
    {
        var modelPath = Path.Combine(Path.GetTempPath(), $"insights-model-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(modelPath, TestModel.Create().ToJson(), Ct);
        using var producer = new ProducerBuilder<byte[], byte[]>(new ProducerConfig { BootstrapServers = broker.BootstrapServers, Acks = Acks.All }).Build();
        foreach (var (key, value) in OldCells)
            await producer.ProduceAsync(new TopicPartition(Changelog, 0), new Message<byte[], byte[]> { Key = Encoding.UTF8.GetBytes(key), Value = BitConverter.GetBytes(value) }, Ct);

        var settings = ScoringStreamBrokerTests.Settings(modelPath, ApplicationId) with { Partitions = 1 };
        using var stream = new ScoringStream(settings, new KafkaSettings { BootstrapServers = broker.BootstrapServers }, NullLoggerFactory.Instance);
        await ScoringStreamBrokerTests.StartAsync(stream);
        // A ticket for a third movie by a member with no other: the movie task gets a batch, which touches neither old row.
        var changes = new CinemaChanges();
        var at = CinemaChanges.SessionStart.AddDays(-1);
        await CinemaChanges.ProduceAsync(producer,
        [
            .. new[] { 1, 2, 3 }.Select(movie => ("movies", changes.Movie(movie, "Drama", "now_showing", at))),
            ("sessions", changes.Session(30, 3)), ("members", changes.Member(7, 1990, "F")), ("tickets", changes.Ticket(700, 7, 30, at)),
        ], Ct);

        await Poll.UntilAsync(() => OldCells.Keys.All(key => Newest().TryGetValue(key, out var value) && value is null),
            () => $"tombstones for the cell records in {Changelog}", TimeSpan.FromSeconds(90), Ct);

        var newest = Newest();
        Assert.Contains(KeyValuePair.Create(2, 3f), Cells(newest, MovieStoreLayout.BlockKey('c', 1, 0)));
        Assert.Contains(KeyValuePair.Create(1, 3f), Cells(newest, MovieStoreLayout.BlockKey('c', 2, 0)));
        Assert.Contains(KeyValuePair.Create(2, 1f), Cells(newest, MovieStoreLayout.BlockKey('f', 1, 0)));
        Assert.DoesNotContain(newest, entry => (entry.Key.StartsWith("c:", StringComparison.Ordinal) || entry.Key.StartsWith("f:", StringComparison.Ordinal)) && entry.Value is not null);
    }

    private static List<KeyValuePair<int, float>> Cells(Dictionary<string, byte[]?> newest, string blockKey)
    {
        Assert.True(newest.TryGetValue(blockKey, out var bytes) && bytes is not null, $"no block record {blockKey} in {Changelog}");
        return MovieStoreLayout.DecodeBlock(int.Parse(blockKey.Split(':')[2], System.Globalization.CultureInfo.InvariantCulture), bytes!);
    }

    /// <summary>The newest value of every key on the changelog (null for a tombstone): what compaction would keep.</summary>
    private Dictionary<string, byte[]?> Newest()
    {
        var newest = new Dictionary<string, byte[]?>();
        TopicHistory.Read(broker.BootstrapServers, Changelog, 1, (_, record) => newest[Encoding.UTF8.GetString(record.Message.Key)] = record.Message.Value);
        return newest;
    }
}
