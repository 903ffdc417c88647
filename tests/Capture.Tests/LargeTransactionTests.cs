using System.Text.Json;
using Insights.Capture.Position;
using Insights.Capture.Schema;
using Insights.Capture.Sinks;
using Insights.Contracts.Cinema;
using Insights.Fixtures.MariaDb;
using Insights.TestSupport;
using MySqlConnector;

namespace Insights.Capture.Tests;

/// <summary>
/// A bulk UPDATE is one transaction of as many row changes as the table has rows: its events go to the sink as the
/// binlog is read, not after its commit, so the capture's memory does not grow with the transaction.
/// </summary>
[Collection(OneServerAtATime.Name)]
public sealed class LargeTransactionTests
{
    private const int Rows = 200_000;

    /// <summary>Counts events and notes, at the first one, how far the streamer had read (rows decoded before it, commits sent).</summary>
    private sealed class ObservingSink : IChangeEventSink
    {
        public BinlogStreamer? Streamer;
        public long Events;
        public string? FirstGtid;
        public string? SentAtFirst;
        public long DecodedAtFirst;

        public void Send(CapturedEvent change, Action<Exception?> delivered)
        {
            if (Interlocked.Increment(ref Events) == 1)
            {
                using var value = JsonDocument.Parse(change.Value!);
                FirstGtid = value.RootElement.GetProperty("source").GetProperty("gtid").GetString();
                SentAtFirst = Streamer!.Sent.ToString();
                DecodedAtFirst = Streamer.RowEvents;
            }
            delivered(null);
        }

        public Task FlushAsync(CancellationToken ct) => Task.CompletedTask;
        public void Dispose() { }
    }

    [Fact]
    public async Task A_transaction_of_200000_row_changes_is_sent_while_it_is_read_and_checkpointed_only_at_its_commit()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var server = new MariaDbServer();
        await server.InitializeAsync();
        await ExecuteAsync(server.ConnectionString, $"CREATE TABLE bulk (id INT NOT NULL PRIMARY KEY, v INT NOT NULL); INSERT INTO bulk SELECT seq, 0 FROM seq_1_to_{Rows}");
        var start = GtidState.Parse(await ScalarAsync(server.RootConnectionString, "SELECT @@global.gtid_binlog_pos"));

        var options = new CaptureOptions { ConnectionString = server.CaptureConnectionString, CheckpointPath = "unused", ServerId = 9102, Tables = ["bulk"] };
        var sink = new ObservingSink();
        var tracker = new CommitTracker(null);
        var streamer = new BinlogStreamer(options, new ChangeEventFactory(CinemaTables.DefaultTopicPrefix, new DebeziumColumnEncoder(), TimeProvider.System, MessageKeyColumns.None),
            sink, tracker);
        sink.Streamer = streamer;
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var streaming = Task.Run(() => streamer.StreamAsync(start, checksummed: true, stop.Token), ct);
        try
        {
            await ExecuteAsync(server.ConnectionString, "UPDATE bulk SET v = v + 1");
            var end = GtidState.Parse(await ScalarAsync(server.RootConnectionString, "SELECT @@global.gtid_binlog_pos")).ToString();
            await Poll.UntilAsync(async () =>
                {
                    if (streaming.IsCompleted) await streaming;
                    return tracker.Durable?.Gtid == end;
                },
                () => $"'{end}' durable: {Interlocked.Read(ref sink.Events)} of {Rows} events, durable at '{tracker.Durable?.Gtid}'", TimeSpan.FromMinutes(2), ct,
                TimeSpan.FromMilliseconds(100));

            Assert.Equal(Rows, Interlocked.Read(ref sink.Events));
            Assert.Equal(end, sink.FirstGtid);
            // The first event went out before the streamer reached the transaction's commit (XID) ...
            Assert.NotEqual(end, sink.SentAtFirst);
            // ... as its first row was decoded: the transaction's other rows were not held in memory first.
            Assert.Equal(0, sink.DecodedAtFirst);
        }
        finally
        {
            await stop.CancelAsync();
            try { await streaming; } catch (OperationCanceledException) { }
        }
    }

    private static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var connection = new MySqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new MySqlCommand(sql, connection) { CommandTimeout = 300 };
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<string> ScalarAsync(string connectionString, string sql)
    {
        await using var connection = new MySqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new MySqlCommand(sql, connection);
        return (string)(await command.ExecuteScalarAsync())!;
    }
}
