using System.Text;
using System.Text.Json;
using Confluent.Kafka;
using Insights.Contracts.Cinema;
using Insights.Contracts.Debezium;
using Insights.Fixtures.MariaDb;
using Insights.TestSupport;
using MySqlConnector;

namespace Insights.Capture.Tests;

/// <summary>
/// The fault test: the capture (a child process) is killed -9 three times while 10,000 transactions commit,
/// across a binlog rotation and a MariaDB restart. Rebuilding every table from the topics must give
/// SELECT *, with every row change present, order per key kept and repeats only at identical positions.
/// </summary>
public sealed class CrashRecoveryTests(CdcTopics kafka) : IClassFixture<CdcTopics>
{
    private const int Transactions = 10_000;
    private const int Members = 200;

    private static readonly Dictionary<string, string> PrimaryKeys = new()
    {
        [CinemaTables.Members] = "member_id", [CinemaTables.Movies] = "movie_id", [CinemaTables.Sessions] = "session_id", [CinemaTables.Tickets] = "ticket_id",
    };

    private sealed record Received(string Topic, string Key, byte[]? Value, long Offset, int Partition);

    [Fact]
    public async Task Three_kill_9s_a_binlog_rotation_and_a_server_restart_lose_nothing_and_repeat_only_identical_positions()
    {
        if (!File.Exists(InsightsProcess.ProgramPath)) Assert.Fail($"{InsightsProcess.ProgramPath} was not built beside the tests");
        await using var server = new MariaDbServer();
        await server.InitializeAsync();
        var app = new MySqlConnectionStringBuilder(server.ConnectionString) { Pooling = false }.ConnectionString;
        await SeedAsync(app);

        var folder = Directory.CreateTempSubdirectory("insights-capture-crash-").FullName;
        var environment = new Dictionary<string, string>
        {
            ["INSIGHTS_HOME"] = folder,
            ["INSIGHTS_STACK_DIR"] = Path.Combine(folder, "no-stack"),
            ["MariaDb__CaptureConnectionString"] = server.CaptureConnectionString,
            ["Kafka__BootstrapServers"] = kafka.BootstrapServers,
            ["Capture__CheckpointPath"] = Path.Combine(folder, "checkpoint.json"),
            ["Capture__TopicPrefix"] = "cdc",
        };
        var capture = InsightsProcess.Start("capture", environment, "capture");
        var log = new StringBuilder();
        try
        {
            await capture.WaitForLineAsync("capture: streaming from", TimeSpan.FromSeconds(60), TestContext.Current.CancellationToken);
            var random = new Random(20261124);
            var kills = new SortedSet<int>();
            while (kills.Count < 3) kills.Add(random.Next(500, Transactions - 500));
            const int rotation = 3_000, restart = 6_500;
            var expectedChanges = new Dictionary<string, int> { ["tickets"] = 0, ["members"] = Members, ["movies"] = 1, ["sessions"] = 20 };
            var live = new List<long>();
            long nextTicket = 1;
            var connection = await OpenAsync(app);
            for (var i = 0; i < Transactions; i++)
            {
                if (kills.Contains(i))
                {
                    log.AppendLine($"kill -9 at transaction {i}");
                    log.Append(capture.Output);
                    capture.Kill();
                    capture.Dispose();
                    capture = InsightsProcess.Start("capture", environment, "capture");
                }
                if (i == rotation) await RootAsync(server, "FLUSH BINARY LOGS");
                if (i == restart)
                {
                    await connection.DisposeAsync();
                    await server.RestartAsync();
                    connection = await OpenAsync(app);
                }
                await using var tx = await connection.BeginTransactionAsync(TestContext.Current.CancellationToken);
                var choice = random.NextDouble();
                if (choice < 0.55 || live.Count == 0)
                {
                    var id = nextTicket++;
                    await ExecAsync(connection, tx, $"INSERT INTO tickets (ticket_id, member_id, session_id, purchased_at, quantity, price, status, updated_at) VALUES ({id}, {random.Next(1, Members + 1)}, {random.Next(1, 21)}, '2024-01-05 18:00:01.{random.Next(0, 1000):D3}', {random.Next(1, 5)}, {random.Next(-500, 2000) / 100m}, 'purchased', '2024-01-05 18:00:01.5')");
                    live.Add(id);
                    expectedChanges["tickets"]++;
                }
                else if (choice < 0.75)
                {
                    var id = live[random.Next(live.Count)];
                    await ExecAsync(connection, tx, $"UPDATE tickets SET status = IF(status = 'purchased', 'refunded', 'purchased'), updated_at = '2024-01-06 09:00:{random.Next(0, 60):D2}.25' WHERE ticket_id = {id}");
                    expectedChanges["tickets"]++;
                }
                else if (choice < 0.85)
                {
                    var index = random.Next(live.Count);
                    await ExecAsync(connection, tx, $"DELETE FROM tickets WHERE ticket_id = {live[index]}");
                    live.RemoveAt(index);
                    expectedChanges["tickets"]++;
                }
                else
                {
                    // Two tables in one transaction: both changes or neither.
                    var member = random.Next(1, Members + 1);
                    await ExecAsync(connection, tx, $"UPDATE members SET occupation = 'occupation-{i}', updated_at = '2024-02-01 00:00:00' + INTERVAL {i} SECOND WHERE member_id = {member}");
                    await ExecAsync(connection, tx, $"UPDATE sessions SET cinema_id = {i % 30000} WHERE session_id = {random.Next(1, 21)}");
                    expectedChanges["members"]++;
                    expectedChanges["sessions"]++;
                }
                await tx.CommitAsync(TestContext.Current.CancellationToken);
            }
            await connection.DisposeAsync();

            var received = await ConvergeAsync(app, TimeSpan.FromSeconds(120), log, capture);
            var positions = AssertRepeatsAreIdenticalAndOrderPerKeyIsKept(received);
            foreach (var (table, count) in expectedChanges)
                Assert.True(count == positions[table], $"{table}: {count} row changes made, {positions[table]} distinct positions captured\n{log}");
            await kafka.AssertNoTrimmedPartitionsAsync();
            var repeats = received.Count(r => r.Value is not null) - positions.Values.Sum();
            TestContext.Current.TestOutputHelper?.WriteLine(
                $"kills at {string.Join(", ", kills)}; rotation at {rotation}; restart at {restart}; row changes {string.Join(", ", expectedChanges)}; " +
                $"records read {received.Count}, repeated events {repeats}\n{log}{capture.Output}");
        }
        catch
        {
            Console.Error.WriteLine(log.ToString() + capture.Output);
            throw;
        }
        finally
        {
            capture.Dispose();
            try { Directory.Delete(folder, recursive: true); } catch (IOException) { }
        }
    }

    private static async Task SeedAsync(string app)
    {
        var sql = new StringBuilder("SET time_zone = '+00:00';");
        sql.Append("INSERT INTO movies (movie_id, title, genres, release_date, certificate, runtime_minutes, status) VALUES (1, 'Movie', 'drama', '2024-01-01', '15', 100, 'now_showing');");
        for (var s = 1; s <= 20; s++)
            sql.Append($"INSERT INTO sessions (session_id, movie_id, cinema_id, starts_at, format) VALUES ({s}, 1, {s % 5}, '2024-01-05 19:30:00', '2d');");
        for (var m = 1; m <= Members; m++)
            sql.Append($"INSERT INTO members (member_id, name, email, joined_at, updated_at) VALUES ({m}, 'Member {m}', 'm{m}@example.invalid', '2023-01-01 00:00:00', '2024-01-01 00:00:00');");
        await using var connection = await OpenAsync(app);
        await using var command = new MySqlCommand(sql.ToString(), connection);
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<MySqlConnection> OpenAsync(string connectionString)
    {
        var connection = new MySqlConnection(connectionString);
        await connection.OpenAsync();
        await using var zone = new MySqlCommand("SET time_zone = '+00:00'", connection);
        await zone.ExecuteNonQueryAsync();
        return connection;
    }

    private static async Task ExecAsync(MySqlConnection connection, MySqlTransaction tx, string sql)
    {
        await using var command = new MySqlCommand(sql, connection, tx);
        await command.ExecuteNonQueryAsync();
    }

    private static async Task RootAsync(MariaDbServer server, string sql)
    {
        await using var connection = new MySqlConnection(server.RootConnectionString);
        await connection.OpenAsync();
        await using var command = new MySqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>Reads the topics until the tables rebuilt from them equal SELECT * (or the timeout says what differs).</summary>
    private async Task<List<Received>> ConvergeAsync(string app, TimeSpan timeout, StringBuilder log, InsightsProcess capture)
    {
        using var consumer = new ConsumerBuilder<string, byte[]?>(new ConsumerConfig
        {
            BootstrapServers = kafka.BootstrapServers, GroupId = "crash-test-" + Guid.NewGuid(), EnableAutoCommit = false,
        }).SetLogHandler((_, _) => { }).Build();
        consumer.Assign(kafka.Manifest.Topics.SelectMany(t => Enumerable.Range(0, t.Partitions)
            .Select(p => new TopicPartitionOffset(t.Name, p, Offset.Beginning))));
        var received = new List<Received>();
        string difference = "nothing read yet";
        await Poll.UntilAsync(async () =>
            {
                while (consumer.Consume(TimeSpan.FromMilliseconds(500)) is { } result)
                    received.Add(new Received(result.Topic, result.Message.Key, result.Message.Value, result.Offset.Value, result.Partition.Value));
                difference = await DifferenceAsync(app, received);
                if (difference.Length > 0 && capture.HasExited)
                    Assert.Fail($"tables rebuilt from the topics differ from SELECT *: {difference}\n{log}{capture.Output}");
                return difference.Length == 0;
            },
            () => $"the tables rebuilt from the topics to equal SELECT *, they differ: {difference}\n{log}{capture.Output}", timeout, TestContext.Current.CancellationToken);
        return received;
    }

    private static async Task<string> DifferenceAsync(string app, List<Received> received)
    {
        var state = new Dictionary<string, Dictionary<string, JsonElement>>();
        foreach (var table in CinemaTables.All) state[table] = new();
        foreach (var r in received)
        {
            // Rows are rebuilt by their primary key, not the record key (tickets are keyed by member);
            // a tombstone adds nothing: the delete event before it removed the row.
            if (ChangeEnvelope.Parse(r.Value ?? []) is not { } envelope) continue;
            var table = r.Topic.Split('.')[2];
            var id = envelope.Row.GetProperty(PrimaryKeys[table]).GetRawText();
            if (envelope.Op == ChangeOperation.Delete) state[table].Remove(id);
            else state[table][id] = envelope.After!.Value;
        }
        await using var connection = await OpenAsync(app);
        var tickets = state["tickets"].Values.Select(v => TicketRow.Read(v)).OrderBy(t => t.TicketId).ToList();
        var dbTickets = await ReadAsync(connection, "SELECT ticket_id, member_id, session_id, purchased_at, quantity, price, status, updated_at FROM tickets ORDER BY ticket_id",
            r => new TicketRow(r.GetInt64(0), r.GetInt32(1), r.GetInt32(2), r.GetDateTime(3), r.GetInt32(4), r.GetDecimal(5), r.GetString(6), new DateTimeOffset(r.GetDateTime(7), TimeSpan.Zero)));
        if (!tickets.SequenceEqual(dbTickets)) return $"tickets: {tickets.Count} rebuilt vs {dbTickets.Count} in MariaDB; first difference {tickets.Except(dbTickets).FirstOrDefault()} / {dbTickets.Except(tickets).FirstOrDefault()}";
        var members = state["members"].Values.Select(v => MemberRow.Read(v)).OrderBy(m => m.MemberId).ToList();
        var dbMembers = await ReadAsync(connection, "SELECT member_id, name, email, postcode, birth_year, gender, occupation, joined_at, updated_at FROM members ORDER BY member_id",
            r => new MemberRow(r.GetInt32(0), r.GetString(1), r.GetString(2), r.IsDBNull(3) ? null : r.GetString(3), r.IsDBNull(4) ? null : r.GetInt32(4),
                r.IsDBNull(5) ? null : r.GetString(5), r.IsDBNull(6) ? null : r.GetString(6), r.GetDateTime(7), new DateTimeOffset(r.GetDateTime(8), TimeSpan.Zero)));
        if (!members.SequenceEqual(dbMembers)) return $"members differ: first {members.Except(dbMembers).FirstOrDefault()} / {dbMembers.Except(members).FirstOrDefault()}";
        var sessions = state["sessions"].Values.Select(v => SessionRow.Read(v)).OrderBy(s => s.SessionId).ToList();
        var dbSessions = await ReadAsync(connection, "SELECT session_id, movie_id, cinema_id, starts_at, format FROM sessions ORDER BY session_id",
            r => new SessionRow(r.GetInt32(0), r.GetInt32(1), r.GetInt32(2), r.GetDateTime(3), r.GetString(4)));
        if (!sessions.SequenceEqual(dbSessions)) return $"sessions differ: first {sessions.Except(dbSessions).FirstOrDefault()} / {dbSessions.Except(sessions).FirstOrDefault()}";
        var movies = state["movies"].Values.Select(v => MovieRow.Read(v)).ToList();
        if (movies.Count != 1 || movies[0].Title != "Movie" || !movies[0].Genres.SequenceEqual(["drama"])) return "movies differ";
        return "";
    }

    private static async Task<List<T>> ReadAsync<T>(MySqlConnection connection, string sql, Func<MySqlDataReader, T> map)
    {
        await using var command = new MySqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<T>();
        while (await reader.ReadAsync()) rows.Add(map(reader));
        return rows;
    }

    /// <summary>
    /// Per key: an event at a position seen before must repeat it exactly (same before, after, op, source);
    /// every new position must come after the key's previous one. Returns distinct positions per table.
    /// </summary>
    private static Dictionary<string, int> AssertRepeatsAreIdenticalAndOrderPerKeyIsKept(List<Received> received)
    {
        var distinct = CinemaTables.All.ToDictionary(t => t, _ => 0);
        foreach (var group in received.Where(r => r.Value is not null).GroupBy(r => (r.Topic, r.Key)))
        {
            var seen = new Dictionary<(string, long, int), string>();
            (string File, long Pos, int Row)? last = null;
            foreach (var r in group.OrderBy(r => r.Offset))
            {
                var envelope = ChangeEnvelope.Parse(r.Value!)!;
                var position = envelope.Source.Position;
                var identity = JsonSerializer.Serialize(new[] { envelope.Before?.GetRawText(), envelope.After?.GetRawText(), envelope.Op.Code(), envelope.Source.Gtid });
                if (seen.TryGetValue(position, out var earlier))
                {
                    Assert.True(earlier == identity, $"{group.Key}: a repeat at {position} differs from the first event there");
                    continue;
                }
                if (last is { } previous)
                    Assert.True(Compare(previous, position) < 0, $"{group.Key}: event at {position} arrived after {previous} (order per key broken)");
                seen[position] = identity;
                last = position;
                distinct[r.Topic.Split('.')[2]]++;
            }
        }
        return distinct;
    }

    private static int Compare((string File, long Pos, int Row) a, (string File, long Pos, int Row) b)
    {
        var file = string.CompareOrdinal(a.File, b.File);
        return file != 0 ? file : a.Pos != b.Pos ? a.Pos.CompareTo(b.Pos) : a.Row.CompareTo(b.Row);
    }
}
