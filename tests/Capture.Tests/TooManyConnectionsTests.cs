using Insights.TestSupport;
using MySqlConnector;
using static Insights.Capture.Tests.GoldenEventTests;

namespace Insights.Capture.Tests;

/// <summary>
/// A binlog connection lost while MariaDB has no connection to spare (error 1040, Too many connections) is retried until
/// one is free, as a restart is, and the capture resumes without losing a row.
/// </summary>
[Collection(OneServerAtATime.Name)]
public sealed class TooManyConnectionsTests(CaptureFixture capture) : IClassFixture<CaptureFixture>
{
    [Fact]
    public async Task A_reconnect_refused_for_too_many_connections_is_retried_until_a_connection_is_free()
    {
        var ct = TestContext.Current.CancellationToken;
        await capture.ExecuteAsync("INSERT INTO sessions (session_id, movie_id, cinema_id, starts_at, format) VALUES (700, 1, 1, '2024-03-01 18:00:00', '2d')");
        await EventsAsync(capture, "sessions", """{"session_id":700}""", 1);

        // root may always open one connection beyond max_connections; every other account is refused at the limit.
        await using var root = new MySqlConnection(capture.Server.RootConnectionString);
        await root.OpenAsync(ct);
        var limit = await ScalarAsync(root, "SELECT @@global.max_connections");
        var fillers = new List<MySqlConnection>();
        try
        {
            await ScalarAsync(root, "SET GLOBAL max_connections = 10");
            // Take every connection the application account can get, so the capture's next one is refused.
            var unpooled = new MySqlConnectionStringBuilder(capture.Server.ConnectionString) { Pooling = false }.ConnectionString;
            await FillAsync(fillers, unpooled, ct);
            // The dump thread's slot, freed by the kill, is taken at once; the capture waits 200 ms before its first retry.
            // Should the capture still win the race, it is streaming again and the kill is repeated.
            var refused = false;
            for (var round = 0; round < 3 && !refused; round++)
            {
                var killedAt = DateTime.UtcNow;
                var dump = await ScalarAsync(root, "SELECT ID FROM information_schema.PROCESSLIST WHERE COMMAND LIKE 'Binlog Dump%'");
                if (dump != 0) await ScalarAsync(root, $"KILL CONNECTION {dump}");
                await FillAsync(fillers, unpooled, ct);
                refused = await LoggedAsync(killedAt, "Too many connections", TimeSpan.FromSeconds(10));
            }
            Assert.True(refused, $"the capture was never refused with error 1040\n{capture.Log}");
            // Refused again for a while: still running, not given up.
            await Task.Delay(TimeSpan.FromSeconds(2), ct);
            capture.ThrowIfCaptureFailed();
        }
        finally
        {
            foreach (var filler in fillers) await filler.DisposeAsync();
            await ScalarAsync(root, $"SET GLOBAL max_connections = {limit}");
        }

        await capture.ExecuteAsync("INSERT INTO sessions (session_id, movie_id, cinema_id, starts_at, format) VALUES (701, 1, 1, '2024-03-01 18:00:00', '2d')");
        var events = await capture.Sink.WaitForAsync(Contracts.Cinema.CinemaTables.Topic("sessions"), """{"session_id":701}""", 1, TimeSpan.FromSeconds(60));
        Assert.Single(events);
        capture.ThrowIfCaptureFailed();
    }

    /// <summary>Opens connections of the application account until MariaDB refuses one with error 1040.</summary>
    private static async Task FillAsync(List<MySqlConnection> fillers, string connectionString, CancellationToken ct)
    {
        while (true)
        {
            var filler = new MySqlConnection(connectionString);
            try { await filler.OpenAsync(ct); }
            catch (MySqlException e) when (e.ErrorCode == MySqlErrorCode.ConnectionCountError)
            {
                await filler.DisposeAsync();
                return;
            }
            fillers.Add(filler);
            Assert.True(fillers.Count < 20, "MariaDB kept accepting connections past max_connections = 10");
        }
    }

    private async Task<bool> LoggedAsync(DateTime after, string text, TimeSpan within)
    {
        try
        {
            await Poll.UntilAsync(() =>
                {
                    capture.ThrowIfCaptureFailed();
                    return capture.Log.Lines.Any(l => l.At > after && l.Line.Contains(text, StringComparison.Ordinal));
                },
                () => $"'{text}' in the capture's log", within, TestContext.Current.CancellationToken);
            return true;
        }
        catch (WaitTimedOut)
        {
            return false;
        }
    }

    private static async Task<long> ScalarAsync(MySqlConnection connection, string sql)
    {
        await using var command = new MySqlCommand(sql, connection);
        return Convert.ToInt64(await command.ExecuteScalarAsync() ?? 0L);
    }
}
