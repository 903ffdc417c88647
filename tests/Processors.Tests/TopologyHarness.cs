using System.Text;
using System.Text.Json;
using Confluent.Kafka;
using Insights.Contracts;
using Insights.Contracts.Scores;
using Insights.Contracts.Topics;
using Insights.Processors.Movies;
using Insights.Processors.Topology;
using Insights.TestSupport;
using Streamiz.Kafka.Net;
using Streamiz.Kafka.Net.Mock;
using Streamiz.Kafka.Net.SerDes;

namespace Insights.Processors.Tests;

/// <summary>
/// The scoring topology in Streamiz's TopologyTestDriver, in its in-memory cluster mode (the synchronous mode
/// does not feed a topology's own output topics back into its global stores). Outputs arrive asynchronously,
/// so reads wait until a condition holds or a deadline passes.
/// </summary>
public sealed class TopologyHarness : IDisposable
{
    // Generous: CI runs every test project at once on two cores, and Streamiz needs seconds of JIT warm-up.
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(90);
    private readonly TopologyTestDriver driver;
    private readonly TestOutputTopic<byte[], byte[]> scoresTopic;
    private readonly TestOutputTopic<byte[], byte[]> deadLetterTopic;
    private readonly string applicationId;
    private TestOutputTopic<byte[], byte[]>? collectiveTopic;
    private readonly string stateDir = Path.Combine(Path.GetTempPath(), "insights-processors-tests", Guid.NewGuid().ToString("N"));

    public TopologyHarness(ProcessorOptions? options = null)
    {
        Options = options ?? new ProcessorOptions { Model = TestModel.Create(), Partitions = 1, FlushInterval = TimeSpan.FromMilliseconds(100), NeighbourStaleness = 0, SessionWait = TimeSpan.FromSeconds(1) };
        Movies = new SharedMovieState(Options.Model.Settings, Options.GenreNames, Options.SessionRetention);
        var config = new StreamConfig<ByteArraySerDes, ByteArraySerDes>
        {
            ApplicationId = $"{Options.ApplicationId}-{Guid.NewGuid():N}",
            StateDir = stateDir,
            CommitIntervalMs = 100,
        };
        applicationId = config.ApplicationId;
        driver = new TopologyTestDriver(ScoringTopology.Build(Options, Movies), config, TopologyTestDriver.Mode.ASYNC_CLUSTER_IN_MEMORY);
        Tickets = driver.CreateInputTopic<byte[], byte[]>(Options.TicketsTopic);
        Sessions = driver.CreateInputTopic<byte[], byte[]>(Options.SessionsTopic);
        MoviesTopic = driver.CreateInputTopic<byte[], byte[]>(Options.MoviesTopic);
        Members = driver.CreateInputTopic<byte[], byte[]>(Options.MembersTopic);
        Commands = driver.CreateInputTopic<byte[], byte[]>(TopicNames.ProcessorCommands);
        scoresTopic = driver.CreateOutputTopic<byte[], byte[]>(TopicNames.Scores, TimeSpan.FromMilliseconds(200), new ByteArraySerDes(), new ByteArraySerDes());
        deadLetterTopic = driver.CreateOutputTopic<byte[], byte[]>(TopicNames.DeadLetter, TimeSpan.FromMilliseconds(200), new ByteArraySerDes(), new ByteArraySerDes());
    }

    public ProcessorOptions Options { get; }
    public SharedMovieState Movies { get; }
    public TestInputTopic<byte[], byte[]> Tickets { get; }
    public TestInputTopic<byte[], byte[]> Sessions { get; }
    public TestInputTopic<byte[], byte[]> MoviesTopic { get; }
    public TestInputTopic<byte[], byte[]> Members { get; }

    /// <summary>The operators' commands topic (a global store on every worker).</summary>
    public TestInputTopic<byte[], byte[]> Commands { get; }

    /// <summary>Every record read from the scores topic so far, in order: (member key, update or null for a tombstone).</summary>
    public List<(string Key, ScoreUpdate? Update)> Scores { get; } = [];

    /// <summary>The raw JSON of every score update read, as a subscriber receives it.</summary>
    public List<string> ScoreJson { get; } = [];

    public List<ConsumeResult<byte[], byte[]>> DeadLetters { get; } = [];

    public void Pipe(TestInputTopic<byte[], byte[]> topic, (byte[] Key, byte[] Value) change) => topic.PipeInput(change.Key, change.Value);

    /// <summary>The CDC input topic of a cinema table ("movies", "sessions", "members", "tickets").</summary>
    public TestInputTopic<byte[], byte[]> Topic(string table) => table switch
    {
        "movies" => MoviesTopic,
        "sessions" => Sessions,
        "members" => Members,
        "tickets" => Tickets,
        _ => throw new ArgumentException($"no CDC topic for table '{table}'", nameof(table)),
    };

    /// <summary>The newest score update of each member (a tombstone removes the member).</summary>
    public Dictionary<string, ScoreUpdate> Latest()
    {
        var latest = new Dictionary<string, ScoreUpdate>();
        foreach (var (key, update) in Scores)
            if (update is null) latest.Remove(key); else latest[key] = update;
        return latest;
    }

    /// <summary>Reads the outputs until the condition holds; fails the test with what was read when the deadline passes.</summary>
    public void WaitUntil(Func<TopologyHarness, bool> condition, string what) =>
        Until(() => { Drain(); return condition(this); }, () => $"{what}: {Scores.Count} score records, {DeadLetters.Count} dead letters");

    /// <summary>Reads the outputs until a measure has not changed for the quiet period.</summary>
    public void WaitUntilSteady(Func<TopologyHarness, long> measure, TimeSpan quiet)
    {
        var last = measure(this);
        var steady = System.Diagnostics.Stopwatch.StartNew();
        Until(() =>
        {
            Drain();
            var now = measure(this);
            if (now != last) { last = now; steady.Restart(); }
            return steady.Elapsed >= quiet;
        }, () => $"the measure to stay unchanged for {quiet.TotalSeconds} s");
    }

    // A look reads the topics, which waits for records itself, so looks follow each other at once and the wait completes on the test's thread.
    private static void Until(Func<bool> condition, Func<string> what) =>
        Poll.UntilAsync(condition, what, Deadline, TestContext.Current.CancellationToken, TimeSpan.Zero).GetAwaiter().GetResult();

    /// <summary>Keeps reading for a while, for assertions that nothing more arrives.</summary>
    public void Settle(TimeSpan quiet)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (clock.Elapsed < quiet) Drain();
    }

    private void Drain()
    {
        foreach (var record in scoresTopic.ReadKeyValueList())
        {
            var key = Encoding.UTF8.GetString(record.Message.Key);
            Scores.Add((key, record.Message.Value is null ? null : JsonSerializer.Deserialize(record.Message.Value, ContractsJsonContext.Default.ScoreUpdate)));
            if (record.Message.Value is not null) ScoreJson.Add(Encoding.UTF8.GetString(record.Message.Value));
        }
        DeadLetters.AddRange(deadLetterTopic.ReadKeyValueList());
    }

    /// <summary>
    /// The attendance updates the member tasks sent the movie partitions since the last call, in order (the internal
    /// collective-deltas repartition topic, read from its start at the first call).
    /// </summary>
    public List<CoAttendanceUpdate> ReadCollectiveUpdates()
    {
        collectiveTopic ??= driver.CreateOutputTopic<byte[], byte[]>(ProcessorTopics.RepartitionTopic(applicationId, ProcessorTopics.CollectiveDeltasRepartition),
            TimeSpan.FromMilliseconds(200), new ByteArraySerDes(), new ByteArraySerDes());
        return collectiveTopic.ReadKeyValueList().SelectMany(r => CollectiveBatch.Decode(r.Message.Value).Updates).ToList();
    }

    public static string Header(ConsumeResult<byte[], byte[]> record, string name) =>
        record.Message.Headers?.TryGetLastBytes(name, out var bytes) == true ? Encoding.UTF8.GetString(bytes) : "";

    public void Dispose()
    {
        driver.Dispose();
        try { Directory.Delete(stateDir, recursive: true); } catch (IOException) { }
    }
}
