using Insights.Capture.Position;
using Insights.Fixtures.MariaDb;
using Microsoft.Extensions.Logging.Abstractions;
using MySqlConnector;

namespace Insights.Capture.Tests;

/// <summary>Start-up refuses a server the capture cannot follow, naming the setting; an unknown position asks for a snapshot.</summary>
public sealed class StartupCheckTests(MariaDbServer server) : IClassFixture<MariaDbServer>
{
    private async Task RootAsync(string sql)
    {
        await using var connection = new MySqlConnection(server.RootConnectionString);
        await connection.OpenAsync();
        await using var command = new MySqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    private async Task<IReadOnlyList<string>> ProblemsAsync()
    {
        await using var connection = new MySqlConnection(server.CaptureConnectionString);
        await connection.OpenAsync();
        return await StartupChecks.FindProblemsAsync(connection, CancellationToken.None);
    }

    [Fact]
    public async Task A_correctly_configured_server_has_no_problems() =>
        Assert.Empty(await ProblemsAsync());

    [Theory]
    [InlineData("binlog_row_metadata", "MINIMAL", "FULL")]
    [InlineData("binlog_row_image", "MINIMAL", "FULL")]
    [InlineData("binlog_format", "MIXED", "ROW")]
    public async Task A_wrong_binlog_setting_is_named(string setting, string wrong, string right)
    {
        await RootAsync($"SET GLOBAL {setting} = '{wrong}'");
        try
        {
            var problem = Assert.Single(await ProblemsAsync());
            Assert.Contains($"{setting} is {wrong}", problem);
            var options = new CaptureOptions { ConnectionString = server.CaptureConnectionString, CheckpointPath = Path.GetTempFileName() };
            var error = await Assert.ThrowsAsync<CaptureException>(() => new CaptureRunner(options, new RecordingSink(), NullLogger.Instance).RunAsync(CancellationToken.None));
            Assert.Contains(setting, error.Message);
        }
        finally { await RootAsync($"SET GLOBAL {setting} = '{right}'"); }
    }

    [Fact]
    public async Task A_user_without_replication_privileges_is_told_which_privilege_is_missing()
    {
        await RootAsync("CREATE USER IF NOT EXISTS 'reader'@'127.0.0.1' IDENTIFIED BY 'test-only-reader'; GRANT SELECT ON *.* TO 'reader'@'127.0.0.1'");
        var builder = new MySqlConnectionStringBuilder(server.CaptureConnectionString) { UserID = "reader", Password = "test-only-reader" };
        await using var connection = new MySqlConnection(builder.ConnectionString);
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        var problems = await StartupChecks.FindProblemsAsync(connection, CancellationToken.None);
        Assert.Contains(problems, p => p.Contains("REPLICATION SLAVE", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("BINLOG MONITOR", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("cinema.tickets:member", "cinema.tickets has no column member")]
    [InlineData("cinema.tickets:member_id;cinema.refunds:member_id", "cinema.refunds is not captured")]
    [InlineData("shop.tickets:member_id", "shop.tickets is not captured")]
    public async Task Message_key_columns_naming_an_unknown_table_or_column_fail_start_up_naming_the_setting(string setting, string problem)
    {
        var options = new CaptureOptions
        {
            ConnectionString = server.CaptureConnectionString, CheckpointPath = Path.GetTempFileName(), MessageKeyColumns = MessageKeyColumns.Parse(setting),
        };
        var error = await Assert.ThrowsAsync<CaptureException>(() => new CaptureRunner(options, new RecordingSink(), NullLogger.Instance).RunAsync(CancellationToken.None));
        Assert.Contains("Capture:MessageKeyColumns", error.Message);
        Assert.Contains(problem, error.Message);
    }

    [Fact]
    public async Task A_checkpoint_the_server_cannot_serve_stops_with_a_call_for_a_new_snapshot()
    {
        var path = Path.Combine(Directory.CreateTempSubdirectory("insights-capture-").FullName, "checkpoint.json");
        // A GTID far ahead of the server's: with gtid_strict_mode the server answers error 1236.
        new CaptureCheckpoint("0-1-999999999", "binlog.000001", 4, DateTimeOffset.UtcNow).Save(path);
        var options = new CaptureOptions { ConnectionString = server.CaptureConnectionString, CheckpointPath = path };
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var error = await Assert.ThrowsAsync<SnapshotNeededException>(() => new CaptureRunner(options, new RecordingSink(), NullLogger.Instance).RunAsync(timeout.Token));
        Assert.Contains("--snapshot", error.Message);
    }
}
