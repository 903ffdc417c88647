using System.Diagnostics;
using Confluent.Kafka;
using Insights.Contracts.Topics;
using Insights.Fixtures.Elasticsearch;
using Insights.Fixtures.Kafka;
using Insights.Fixtures.Poison;
using Insights.Sinks.Elasticsearch;
using Insights.Sinks.Kafka;
using Insights.Sinks.Tests.Kafka;
using Insights.TestSupport;

namespace Insights.Sinks.Tests.Poison;

/// <summary>
/// The sink corpus, run once for all its rows: one `insights sink` process reading the scores topic into Elasticsearch
/// (the fake when no Docker engine runs), then each case's records (the hostile ones, then a good score update behind
/// them on the same partition), then a wait until every case's expectations hold or the deadline passes.
/// </summary>
public sealed class SinkPoisonRun : IAsyncLifetime
{
    public const int Partitions = 4;
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);
    private readonly ScoreTopics kafka = new();
    private readonly ElasticsearchServer elasticsearch = new();
    private readonly Dictionary<string, SinkCaseFeed> feeds = [];
    private readonly Stopwatch clock = new();
    private IProducer<byte[]?, byte[]?> producer = null!;
    private InsightsProcess sink = null!;
    private long nextMember = 1_000;
    private readonly List<Func<BulkItem, int?>> bulkItemFaults = [];

    public RecordedTopic DeadLetters { get; private set; } = null!;
    public AudienceQueries Queries { get; private set; } = null!;

    /// <summary>The fake's fault injection, or null against a real Elasticsearch (cases that need it are skipped).</summary>
    public ElasticsearchFake? Fake => elasticsearch.Fake;

    /// <summary>How the sink ended the run: null while it still ran at the end, else its exit code and last lines.</summary>
    public string? Exit { get; private set; }

    public TimeSpan Elapsed => clock.Elapsed;

    public string ConsumerGroup { get; private set; } = "";

    /// <summary>Offsets the sink committed, and the ends of the scores topic's partitions.</summary>
    public (IReadOnlyList<long> Committed, IReadOnlyList<long> Ends) Progress() => (kafka.Committed(ConsumerGroup), kafka.HighWatermarks());

    public async ValueTask InitializeAsync()
    {
        var ct = TestContext.Current.CancellationToken;
        await Task.WhenAll(kafka.InitializeAsync().AsTask(), elasticsearch.InitializeAsync().AsTask());
        producer = new ProducerBuilder<byte[]?, byte[]?>(kafka.Settings.ApplyTo(new ProducerConfig { Acks = Acks.All, EnableIdempotence = true, LingerMs = 2 }))
            .SetLogHandler((_, _) => { }).Build();
        DeadLetters = new RecordedTopic(kafka.BootstrapServers, TopicNames.DeadLetter, 1);
        var settings = new ElasticsearchSettings
        {
            Url = elasticsearch.BaseUri.ToString(), Alias = ElasticsearchServer.UniqueName("poison"), ConsumerGroup = $"sink-poison-{Guid.NewGuid():N}",
        };
        ConsumerGroup = settings.ConsumerGroup;
        Queries = new AudienceQueries(settings.CreateClient(), settings);
        sink = InsightsProcess.Start("poisoned sink", new Dictionary<string, string>
        {
            ["Kafka__BootstrapServers"] = kafka.BootstrapServers,
            ["Elasticsearch__Url"] = settings.Url, ["Elasticsearch__Alias"] = settings.Alias, ["Elasticsearch__ConsumerGroup"] = settings.ConsumerGroup,
            ["Elasticsearch__BulkMaxWaitMs"] = "50", ["Elasticsearch__RetryBaseDelayMs"] = "20", ["Elasticsearch__RetryMaxDelayMs"] = "500",
            ["Snapshots__IntervalSeconds"] = "0",
        }, "sink");
        clock.Start();
        // One update through the sink first, so the cases' witnesses measure the records before them, not the start-up.
        var warmUp = new SinkCaseFeed(this, "warm-up", 0);
        await warmUp.WitnessAsync();
        await Poll.UntilAsync(async () => sink.HasExited || (await warmUp.Case.OutstandingAsync()).Count == 0, () => $"a first update indexed\n{sink.Tail()}",
            TimeSpan.FromSeconds(90), ct);

        foreach (var (poison, index) in SinkPoisonCorpusTests.Corpus.Select((c, i) => (c, i)))
        {
            var feed = feeds[poison.Name] = new SinkCaseFeed(this, poison.Name, index % Partitions);
            if (poison.NeedsFaultInjection && Fake is null) continue;
            await poison.Send(feed);
        }
        try { await Poll.UntilAsync(async () => sink.HasExited || await SettledAsync(), () => "every case settled", Deadline, ct, TimeSpan.FromMilliseconds(250)); }
        catch (WaitTimedOut) { } // a case that never settles fails its own row, naming what is missing
        Exit = sink.HasExited ? $"the sink exited with code {sink.ExitCode}:\n{sink.Tail(40)}" : null;
        Fake?.ClearFaults();
    }

    /// <summary>Every case settled; each is looked at every time, so each witness is timed when it is first seen.</summary>
    private async Task<bool> SettledAsync()
    {
        var settled = true;
        foreach (var feed in feeds.Values) settled &= (await feed.Case.OutstandingAsync()).Count == 0;
        return settled;
    }

    public PoisonCase Case(string name) => feeds[name].Case;

    public IEnumerable<PoisonCase> Cases => feeds.Values.Select(f => f.Case);

    internal long NextMember() => Interlocked.Increment(ref nextMember);

    /// <summary>Adds a fault rule beside the other cases' (the fake holds one rule: this one asks each case's in turn).</summary>
    internal void FailBulkItems(Func<BulkItem, int?> rule)
    {
        lock (bulkItemFaults) bulkItemFaults.Add(rule);
        Fake!.FailBulkItems(item =>
        {
            lock (bulkItemFaults) return bulkItemFaults.Select(r => r(item)).FirstOrDefault(status => status is not null);
        });
    }

    internal async Task<TopicPartitionOffset> SendAsync(int partition, byte[]? key, byte[]? value) =>
        (await producer.ProduceAsync(new TopicPartition(TopicNames.Scores, partition), new Message<byte[]?, byte[]?> { Key = key, Value = value },
            TestContext.Current.CancellationToken)).TopicPartitionOffset;

    public async ValueTask DisposeAsync()
    {
        sink?.Dispose();
        DeadLetters?.Dispose();
        producer?.Dispose();
        await elasticsearch.DisposeAsync();
        await kafka.DisposeAsync();
    }
}

/// <summary>How a sink corpus case sends score records, and what it expects of them (<see cref="Case"/>).</summary>
public sealed class SinkCaseFeed(SinkPoisonRun run, string name, int partition)
{
    public PoisonCase Case { get; } = new(name, () => run.Elapsed, run.DeadLetters);
    public int Partition { get; } = partition;
    public SinkPoisonRun Run => run;

    public long NewMember() => run.NextMember();

    /// <summary>Sends a record the sink cannot write: it must come back as one dead letter (stage sink) naming <paramref name="reason"/>.</summary>
    public async Task DeadLetterAsync(byte[]? key, byte[]? value, string reason) =>
        Case.ExpectDeadLetter(await run.SendAsync(Partition, key, value), ScoreDeadLetters.Stage, reason);

    /// <summary>Sends a record that is odd but valid: it must not be dead-lettered.</summary>
    public async Task ProcessedAsync(byte[]? key, byte[]? value) => Case.ExpectNoDeadLetter(await run.SendAsync(Partition, key, value));

    /// <summary>A new member's update on this case's partition: it must be indexed.</summary>
    public async Task WitnessAsync()
    {
        var member = NewMember();
        var update = ScoreUpdates.For(member, 1);
        var sentAt = run.Elapsed;
        Case.ExpectNoDeadLetter(await run.SendAsync(Partition, Key(member), ScoreRecords.Value(update)));
        Case.ExpectWitness($"{TopicNames.Scores}[{Partition}]", $"member {member} indexed", sentAt,
            async () => await run.Queries.MemberPropensitiesAsync(member, TestContext.Current.CancellationToken) is not null);
    }

    public static byte[] Key(long member) => System.Text.Encoding.UTF8.GetBytes(ScoreRecords.Key(member));
}
