using Insights.Fixtures.MariaDb;
using MySqlConnector;

namespace Insights.Stack.Tests.MariaDb;

public sealed class MariaDbServerTests(MariaDbServer server) : IClassFixture<MariaDbServer>
{
    [Theory]
    [InlineData("log_bin", "ON")]
    [InlineData("binlog_format", "ROW")]
    [InlineData("binlog_row_image", "FULL")]
    [InlineData("binlog_row_metadata", "FULL")]
    public async Task Runs_with_the_binlog_settings_CDC_needs(string variable, string expected)
    {
        var ct = TestContext.Current.CancellationToken;
        await using var connection = new MySqlConnection(server.CaptureConnectionString);
        await connection.OpenAsync(ct);
        await using var command = new MySqlCommand($"SHOW VARIABLES LIKE '{variable}'", connection);
        await using var reader = await command.ExecuteReaderAsync(ct);
        Assert.True(await reader.ReadAsync(ct), $"{variable} not reported");
        Assert.Equal(expected, reader.GetString(1), ignoreCase: true);
    }

    [Fact]
    public async Task Round_trips_a_row_and_records_it_in_the_binlog()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var connection = new MySqlConnection(server.ConnectionString);
        await connection.OpenAsync(ct);
        var before = await ScalarAsync<string>(connection, "SELECT @@gtid_binlog_pos", ct);
        await ExecuteAsync(connection, "CREATE TABLE IF NOT EXISTS round_trip (id INT PRIMARY KEY, price DECIMAL(8,2), at DATETIME(3))", ct);
        await ExecuteAsync(connection, "REPLACE INTO round_trip VALUES (1, 12.50, '2024-01-02 03:04:05.120')", ct);

        Assert.Equal(12.50m, await ScalarAsync<decimal>(connection, "SELECT price FROM round_trip WHERE id = 1", ct));
        Assert.Equal(new DateTime(2024, 1, 2, 3, 4, 5, 120), await ScalarAsync<DateTime>(connection, "SELECT at FROM round_trip WHERE id = 1", ct));
        var after = await ScalarAsync<string>(connection, "SELECT @@gtid_binlog_pos", ct);
        Assert.NotEqual(before, after);
    }

    [Fact]
    public async Task Gives_the_capture_user_the_replication_privileges()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var connection = new MySqlConnection(server.CaptureConnectionString);
        await connection.OpenAsync(ct);
        var grants = await ScalarAsync<string>(connection, "SHOW GRANTS", ct);
        foreach (var privilege in new[] { "REPLICATION SLAVE", "BINLOG MONITOR", "RELOAD", "SELECT", "SHOW DATABASES" })
            Assert.Contains(privilege, grants);
    }

    private static async Task ExecuteAsync(MySqlConnection connection, string sql, CancellationToken ct)
    {
        await using var command = new MySqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(ct);
    }

    private static async Task<T> ScalarAsync<T>(MySqlConnection connection, string sql, CancellationToken ct)
    {
        await using var command = new MySqlCommand(sql, connection);
        return (T)Convert.ChangeType((await command.ExecuteScalarAsync(ct))!, typeof(T));
    }
}
