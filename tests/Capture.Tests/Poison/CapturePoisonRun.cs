using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using Insights.Capture.Sinks;
using Insights.Contracts.Cinema;
using Insights.Contracts.Topics;
using Insights.Fixtures.Kafka;
using Insights.Fixtures.MariaDb;
using Insights.Fixtures.Poison;
using Insights.TestSupport;
using MySqlConnector;

namespace Insights.Capture.Tests.Poison;

/// <summary>
/// The capture corpus, run once for all its rows: one `insights capture` process streaming a MariaDB into the CDC topics,
/// then each case's statements, each followed by a new member's insert (the witness: the binlog is one stream, so the
/// capture went past the case once the witness's event is out). Cases that may stop the capture run last, one by one.
/// </summary>
public sealed class CapturePoisonRun : IAsyncLifetime
{
    /// <summary>
    /// Columns of types the cinema schema does not use, added to the movies table before the capture starts (the capture
    /// reads only the cinema tables): TIME, BIT, BIGINT UNSIGNED, JSON, GEOMETRY and a MEDIUMTEXT for huge rows.
    /// </summary>
    private const string OddColumns = """
        ALTER TABLE movies ADD COLUMN span TIME(2) NULL, ADD COLUMN flag BIT(1) NULL, ADD COLUMN mask BIT(10) NULL,
          ADD COLUMN big BIGINT UNSIGNED NULL, ADD COLUMN doc JSON NULL, ADD COLUMN shape GEOMETRY NULL, ADD COLUMN note MEDIUMTEXT NULL;
        INSERT INTO movies (movie_id, title, genres, status) VALUES (1, 'Seed', 'drama', 'now_showing');
        INSERT INTO sessions (session_id, movie_id, cinema_id, starts_at, format) VALUES (1, 1, 1, '2026-01-01 20:00:00', '2d');
        """;

    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);
    private readonly MariaDbServer server = new();
    private readonly CdcTopics kafka = new();
    private readonly Dictionary<string, CaptureCaseFeed> feeds = [];
    private readonly Dictionary<string, RecordedTopic> topics = [];
    private readonly Stopwatch clock = new();
    private InsightsProcess capture = null!;
    private int nextMember = 900_000;

    /// <summary>Why the capture stopped, and the cases in flight then: null while it still ran at the end.</summary>
    public (IReadOnlyList<string> Cases, string Why)? Exit { get; private set; }

    public TimeSpan Elapsed => clock.Elapsed;

    /// <summary>Everything the capture wrote to the dead-letter topic.</summary>
    internal RecordedTopic DeadLetters { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        var ct = TestContext.Current.CancellationToken;
        await Task.WhenAll(server.InitializeAsync().AsTask(), kafka.InitializeAsync().AsTask());
        await ExecuteAsync(OddColumns);
        foreach (var table in CinemaTables.All)
            topics[table] = new RecordedTopic(kafka.BootstrapServers, CinemaTables.Topic(table), CdcTopics.Partitions);
        DeadLetters = new RecordedTopic(kafka.BootstrapServers, TopicNames.DeadLetter, 1);
        var folder = Directory.CreateTempSubdirectory("insights-capture-poison-").FullName;
        capture = InsightsProcess.Start("poisoned capture", new Dictionary<string, string>
        {
            ["MariaDb__CaptureConnectionString"] = server.CaptureConnectionString,
            ["Kafka__BootstrapServers"] = kafka.BootstrapServers,
            ["Capture__CheckpointPath"] = Path.Combine(folder, "checkpoint.json"),
            ["Capture__TopicPrefix"] = CinemaTables.DefaultTopicPrefix,
        }, "capture");
        await Poll.UntilAsync(() => capture.HasExited || capture.Output.Contains("capture: streaming from", StringComparison.Ordinal),
            () => $"the capture to stream\n{capture.Tail()}", TimeSpan.FromSeconds(90), ct);
        clock.Start();
        await RunAsync(CapturePoisonCorpusTests.Corpus.Where(c => !c.MayStopTheCapture).ToList());
        // A case that may stop the capture runs alone, after every other case settled, so it can fail only its own row.
        foreach (var risky in CapturePoisonCorpusTests.Corpus.Where(c => c.MayStopTheCapture)) await RunAsync([risky]);
    }

    private async Task RunAsync(IReadOnlyList<CapturePoison> cases)
    {
        foreach (var poison in cases)
        {
            var feed = feeds[poison.Name] = new CaptureCaseFeed(this, poison.Name);
            if (!capture.HasExited) await poison.Send(feed);
        }
        try
        {
            await Poll.UntilAsync(async () => capture.HasExited || await SettledAsync(), () => "every case settled", Deadline,
                TestContext.Current.CancellationToken, TimeSpan.FromMilliseconds(250));
        }
        catch (WaitTimedOut) { } // a case that never settles fails its own row, naming what is missing
        if (capture.HasExited && Exit is null) Exit = (cases.Select(c => c.Name).ToList(), $"the capture exited with code {capture.ExitCode}:\n{capture.Tail(40)}");
    }

    /// <summary>Every case settled; each is looked at every time, so each witness is timed when it is first seen.</summary>
    private async Task<bool> SettledAsync()
    {
        var settled = true;
        foreach (var feed in feeds.Values) settled &= (await feed.Case.OutstandingAsync()).Count == 0;
        return settled;
    }

    public PoisonCase Case(string name) => feeds[name].Case;

    internal int NextMember() => Interlocked.Increment(ref nextMember);

    /// <summary>Runs statements as the application user, in UTC so TIMESTAMP literals mean what they say.</summary>
    internal async Task ExecuteAsync(string sql)
    {
        await using var connection = new MySqlConnection(server.ConnectionString);
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        await using var command = new MySqlCommand("SET time_zone = '+00:00'; " + sql, connection);
        await command.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
    }

    /// <summary>The change events on a table's topic whose after (or, for a delete, before) image has <paramref name="id"/> in <paramref name="idColumn"/>.</summary>
    internal List<(string Op, JsonObject? Before, JsonObject? After)> Events(string table, string idColumn, long id) =>
        Parsed(table).Where(e => (e.After ?? e.Before)?[idColumn] is JsonValue column && column.GetValueKind() == JsonValueKind.Number
                                 && column.GetValue<long>() == id).ToList();

    /// <summary>How many events on a table's topic carry each value of <paramref name="idColumn"/>.</summary>
    internal Dictionary<long, int> EventCounts(string table, string idColumn)
    {
        var counts = new Dictionary<long, int>();
        foreach (var (_, before, after) in Parsed(table))
            if ((after ?? before)?[idColumn] is JsonValue column && column.GetValueKind() == JsonValueKind.Number)
                counts[column.GetValue<long>()] = counts.GetValueOrDefault(column.GetValue<long>()) + 1;
        return counts;
    }

    private readonly Dictionary<string, List<(string Op, JsonObject? Before, JsonObject? After)>> parsed = [];

    /// <summary>Every change event read so far from a table's topic, parsed once.</summary>
    private List<(string Op, JsonObject? Before, JsonObject? After)> Parsed(string table)
    {
        lock (parsed)
        {
            if (!parsed.TryGetValue(table, out var events)) parsed[table] = events = [];
            foreach (var record in topics[table].Records.Skip(events.Count + tombstones.GetValueOrDefault(table)))
            {
                if (record.Message.Value is not { } value) { tombstones[table] = tombstones.GetValueOrDefault(table) + 1; continue; }
                var payload = JsonNode.Parse(value)!.AsObject();
                events.Add(((string)payload["op"]!, payload["before"] as JsonObject, payload["after"] as JsonObject));
            }
            return events.ToList();
        }
    }

    private readonly Dictionary<string, int> tombstones = [];

    /// <summary>The values (null for a tombstone) of the records on a table's topic whose key is <paramref name="keyJson"/>, in order.</summary>
    internal List<byte[]?> ValuesKeyed(string table, string keyJson) =>
        topics[table].Records.Where(r => r.Message.Key is { } key && JsonNode.DeepEquals(JsonNode.Parse(key), JsonNode.Parse(keyJson)))
            .Select(r => r.Message.Value).ToList();

    public async ValueTask DisposeAsync()
    {
        capture?.Dispose();
        foreach (var topic in topics.Values) topic.Dispose();
        DeadLetters?.Dispose();
        await kafka.DisposeAsync();
        await server.DisposeAsync();
    }
}

/// <summary>How a capture corpus case changes rows, and what it expects on the CDC topics (<see cref="Case"/>).</summary>
public sealed class CaptureCaseFeed(CapturePoisonRun run, string name)
{
    public PoisonCase Case { get; } = new(name, () => run.Elapsed, deadLetters: null);
    public CapturePoisonRun Run => run;

    public int NewMember() => run.NextMember();

    public Task ExecuteAsync(string sql) => run.ExecuteAsync(sql);

    /// <summary>Expects an event of <paramref name="op"/> whose row image holds each column as the given JSON, as Debezium encodes it.</summary>
    public void ExpectRow(string table, string idColumn, long id, string op, params (string Column, string Json)[] columns) =>
        Case.Expect($"a '{op}' event on {table} for {idColumn} {id} with {string.Join(", ", columns.Select(c => $"{c.Column}={Shortened(c.Json)}"))}",
            () => run.Events(table, idColumn, id).Any(e => e.Op == op && columns.All(c =>
                JsonNode.DeepEquals((op == "d" ? e.Before : e.After)?[c.Column], JsonNode.Parse(c.Json)))));

    /// <summary>A new member's insert behind the case's statements: its event must come out.</summary>
    public async Task WitnessAsync()
    {
        var member = NewMember();
        var sentAt = run.Elapsed;
        await ExecuteAsync($"INSERT INTO members (member_id, name, email, joined_at) VALUES ({member}, 'Witness', 'w{member}@example.invalid', '2024-01-01 00:00:00');");
        Case.ExpectWitness("the binlog", $"member {member}'s insert captured", sentAt, () => run.Events(CinemaTables.Members, "member_id", member).Count > 0);
    }

    /// <summary>Expects a dead letter of the capture naming the table's topic, with <paramref name="reason"/> in its error.</summary>
    public void ExpectDeadLetter(string table, string reason) =>
        Case.Expect($"a dead letter (stage {KafkaChangeEventSink.DeadLetterStage}) for {CinemaTables.Topic(table)} saying '{reason}'",
            () => run.DeadLetters.Records.Any(r => Header(r, DeadLetterHeaders.Stage) == KafkaChangeEventSink.DeadLetterStage
                && Header(r, DeadLetterHeaders.SourceTopic) == CinemaTables.Topic(table) && (Header(r, DeadLetterHeaders.Error) ?? "").Contains(reason, StringComparison.Ordinal)));

    private static string? Header(Confluent.Kafka.ConsumeResult<byte[]?, byte[]?> record, string name) =>
        record.Message.Headers?.TryGetLastBytes(name, out var bytes) == true ? System.Text.Encoding.UTF8.GetString(bytes) : null;

    private static string Shortened(string json) => json.Length > 60 ? json[..60] + "..." : json;
}
