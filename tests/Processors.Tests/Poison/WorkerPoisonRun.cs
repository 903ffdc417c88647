using System.Diagnostics;
using System.Globalization;
using Confluent.Kafka;
using Insights.Contracts.Scores;
using Insights.Contracts.Topics;
using Insights.Fixtures.Kafka;
using Insights.Fixtures.Poison;
using Insights.Processors.Manifest;
using Insights.Processors.Movies;
using Insights.Processors.Topology;
using Insights.TestSupport;

namespace Insights.Processors.Tests.Poison;

public sealed class WorkerPoisonBroker() : KafkaBroker(ProcessorManifest.For(WorkerPoisonRun.ApplicationId, "cdc", WorkerPoisonRun.Partitions));

/// <summary>
/// The worker corpus, run once for all its rows: one `insights worker` process on the broker, a small cinema, then each
/// case's records (the hostile ones, then a good witness behind them on the same partition), then a wait until every
/// case's expectations hold or the deadline passes. Each row then reads its own case's outcome.
/// </summary>
public sealed class WorkerPoisonRun : IAsyncLifetime
{
    public const string ApplicationId = "insights-processors-poison";

    /// <summary>The worker's session wait: short, so the case of a session that never arrives ends within the run.</summary>
    public static readonly TimeSpan SessionWait = TimeSpan.FromSeconds(30);
    public const int Partitions = 4;

    /// <summary>Tickets partition kept for the one case that holds its partition on purpose (a ticket waiting for its session).</summary>
    public const int WaitingPartition = 3;

    /// <summary>Movies 1..16 are showing, each with session id = movie id; witnesses buy movies 1..4, cases own 5..16.</summary>
    public const int Movies = 16;

    /// <summary>
    /// The model's attendance limit in this run, lower than the default 2,000: a member past it costs two updates listing
    /// the whole history per ticket, and the mock broker keeps only 5 MiB per partition.
    /// </summary>
    public const int AttendanceLimit = 500;

    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(90);
    private readonly WorkerPoisonBroker broker = new();
    private readonly Dictionary<string, CaseFeed> feeds = [];
    private readonly Stopwatch clock = new();
    private IProducer<byte[]?, byte[]?> producer = null!;
    private InsightsProcess worker = null!;
    private int nextMember = 100_000;
    private long nextTicket = 100_000;
    private int nextWitnessMovie;
    // Witness movies get sessions of the same id; new sessions of existing movies are numbered apart from them.
    private int nextMovie = 1_000;
    private int nextSession = 500_000;

    public CinemaChanges Changes { get; } = new();
    public ScoreWatch Scores { get; private set; } = null!;
    public RecordedTopic DeadLetters { get; private set; } = null!;
    public RecordedTopic Profiles { get; private set; } = null!;
    public string BootstrapServers => broker.BootstrapServers;

    /// <summary>How the worker ended the run: null while it still ran at the end, else its exit code and last lines.</summary>
    public string? Exit { get; private set; }

    public async ValueTask InitializeAsync()
    {
        var ct = TestContext.Current.CancellationToken;
        await broker.InitializeAsync();
        producer = new ProducerBuilder<byte[]?, byte[]?>(new ProducerConfig
        {
            BootstrapServers = BootstrapServers, Acks = Acks.All, EnableIdempotence = true, LingerMs = 2,
            MessageMaxBytes = 1_048_576, // room for a hostile record whose dead letter is over the worker's 1,000,000
        })
            .SetLogHandler((_, _) => { }).Build();
        Scores = new ScoreWatch(BootstrapServers, Partitions);
        DeadLetters = new RecordedTopic(BootstrapServers, TopicNames.DeadLetter, 1);
        Profiles = new RecordedTopic(BootstrapServers, ProcessorTopics.MovieProfiles, Partitions);
        var genres = new[] { "action,thriller", "comedy", "drama", "animation,children" };
        for (var movie = 1; movie <= Movies; movie++)
        {
            await SendAsync(CdcTopic("movies"), 0, Changes.Movie(movie, genres[movie % genres.Length], "now_showing", SyntheticCinema.Start.AddDays(-30)));
            await SendAsync(CdcTopic("sessions"), movie % Partitions, Changes.Session(movie, movie));
        }
        var modelPath = Path.Combine(Path.GetTempPath(), $"insights-model-{Guid.NewGuid():N}.json");
        var model = TestModel.Create();
        await File.WriteAllTextAsync(modelPath, (model with { Settings = model.Settings with { MaxAttendances = AttendanceLimit } }).ToJson(), ct);
        worker = InsightsProcess.Worker("poisoned worker", new Dictionary<string, string>
        {
            ["Kafka__BootstrapServers"] = BootstrapServers,
            ["Processors__ModelPath"] = modelPath, ["Processors__ApplicationId"] = ApplicationId,
            ["Processors__Partitions"] = Partitions.ToString(CultureInfo.InvariantCulture), ["Processors__FlushIntervalMs"] = "200",
            ["Processors__ProfileIntervalMs"] = "300", ["Processors__NeighbourStaleness"] = "0", ["Processors__SessionTimeoutMs"] = "6000",
            ["Processors__CommitIntervalMs"] = "200", ["Processors__SessionWaitMs"] = ((long)SessionWait.TotalMilliseconds).ToString(CultureInfo.InvariantCulture),
            ["Processors__StateDir"] = Directory.CreateTempSubdirectory("insights-poison-state-").FullName,
        });
        await Poll.UntilAsync(() => worker.Ready || worker.HasExited, () => $"the worker to be ready\n{worker.Tail()}", TimeSpan.FromSeconds(120), ct);
        // One ticket through every stage first, so the cases' witnesses measure the records before them, not the start-up.
        clock.Start();
        var warmUp = new CaseFeed(this, "warm-up", 0);
        await warmUp.TicketWitnessAsync();
        await Poll.UntilAsync(async () => (await warmUp.Case.OutstandingAsync()).Count == 0 || worker.HasExited, () => $"a first ticket scored\n{worker.Tail()}",
            TimeSpan.FromSeconds(120), ct);

        var cases = WorkerPoisonCorpusTests.Corpus.Select((c, i) => (Poison: c, Index: i)).ToList();
        // The one case that holds its partition for the session wait goes first, so its wait overlaps the others'.
        await RunAsync(cases.Where(c => !c.Poison.RunsAlone).OrderBy(c => c.Poison.HoldsItsPartition ? 0 : 1).ToList());
        // A case that keeps the whole worker busy runs after the others settled, so only its own witness waits for it.
        foreach (var alone in cases.Where(c => c.Poison.RunsAlone)) await RunAsync([alone]);
        Exit = worker.HasExited ? $"the worker exited with code {worker.ExitCode}:\n{worker.Tail(40)}" : null;
    }

    private async Task RunAsync(IReadOnlyList<(WorkerPoison Poison, int Index)> cases)
    {
        foreach (var (poison, index) in cases)
        {
            var feed = feeds[poison.Name] = new CaseFeed(this, poison.Name, poison.HoldsItsPartition ? WaitingPartition : index % WaitingPartition);
            if (!worker.HasExited) await poison.Send(feed);
        }
        producer.Flush(TestContext.Current.CancellationToken);
        try
        {
            await Poll.UntilAsync(async () => worker.HasExited || await SettledAsync(), () => "every case settled", Deadline,
                TestContext.Current.CancellationToken, TimeSpan.FromMilliseconds(250));
        }
        catch (WaitTimedOut) { } // a case that never settles fails its own row, naming what is missing
    }

    /// <summary>Every case settled; each is looked at every time, so each witness is timed when it is first seen.</summary>
    private async Task<bool> SettledAsync()
    {
        var settled = true;
        foreach (var feed in feeds.Values) settled &= (await feed.Case.OutstandingAsync()).Count == 0;
        return settled;
    }

    public TimeSpan Elapsed => clock.Elapsed;

    public PoisonCase Case(string name) => feeds[name].Case;

    public IEnumerable<PoisonCase> Cases => feeds.Values.Select(f => f.Case);

    internal int NextMember() => Interlocked.Increment(ref nextMember);
    internal long NextTicket() => Interlocked.Increment(ref nextTicket);

    internal int NextSession() => Interlocked.Increment(ref nextSession);
    internal int NextMovie() => Interlocked.Increment(ref nextMovie);

    /// <summary>The movies the witnesses buy, in turn: 1..4.</summary>
    internal int NextWitnessMovie() => Interlocked.Increment(ref nextWitnessMovie) % 4 + 1;

    public static string CdcTopic(string table) => $"cdc.cinema.{table}";

    /// <summary>Sends records to one partition in order without waiting for each acknowledgement.</summary>
    internal async Task SendManyAsync(string topic, int partition, IEnumerable<(byte[]? Key, byte[]? Value)> records) =>
        await Task.WhenAll(records.Select(r => producer.ProduceAsync(new TopicPartition(topic, partition), new Message<byte[]?, byte[]?> { Key = r.Key, Value = r.Value },
            TestContext.Current.CancellationToken)));

    internal async Task<TopicPartitionOffset> SendAsync(string topic, int partition, (byte[]? Key, byte[]? Value) record) =>
        (await producer.ProduceAsync(new TopicPartition(topic, partition), new Message<byte[]?, byte[]?> { Key = record.Key, Value = record.Value },
            TestContext.Current.CancellationToken)).TopicPartitionOffset;

    private readonly Dictionary<int, float> profileCounts = [];
    private int profilesRead;

    /// <summary>Each movie's attendance count as its newest published profile states it (profiles are decoded once, as they arrive).</summary>
    public Dictionary<int, float> ProfileCounts()
    {
        lock (profileCounts)
        {
            var records = Profiles.Records;
            for (; profilesRead < records.Count; profilesRead++)
                if (records[profilesRead].Message.Value is { } value)
                {
                    var profile = MovieProfileCodec.Decode(value).Profile;
                    profileCounts[profile.MovieId] = profile.Count;
                }
            return new Dictionary<int, float>(profileCounts);
        }
    }

    /// <summary>Fails naming every partition whose oldest records the broker dropped before they could be read.</summary>
    public Task AssertNoTrimmedPartitionsAsync() => broker.AssertNoTrimmedPartitionsAsync();

    public ScoreUpdate? Score(int member) => Scores.Latest.TryGetValue(member.ToString(CultureInfo.InvariantCulture), out var update) ? update : null;

    public async ValueTask DisposeAsync()
    {
        worker?.Dispose();
        Scores?.Dispose();
        DeadLetters?.Dispose();
        Profiles?.Dispose();
        producer?.Dispose();
        await broker.DisposeAsync();
    }
}
