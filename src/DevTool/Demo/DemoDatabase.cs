using Insights.Contracts;
using Insights.Contracts.Configuration;
using Insights.Host.Configuration;
using Microsoft.Extensions.Configuration;
using MySqlConnector;

namespace Insights.DevTool.Demo;

/// <summary>The cinema database the demo writes to: from --connection-string, else MariaDb:ConnectionString.</summary>
public static class DemoDatabase
{
    public const string ConnectionStringKey = $"{MariaDbSettings.Section}:{nameof(MariaDbSettings.ConnectionString)}";

    public static string ConnectionString(string? option)
    {
        if (!string.IsNullOrWhiteSpace(option)) return option;
        var config = new ConfigurationBuilder().AddInsightsSources().Build();
        return config[ConnectionStringKey] is { Length: > 0 } value
            ? value
            : throw new CommandLineError($"configuration key {ConnectionStringKey} is missing: start the local stack (./insights stack up) or pass --connection-string");
    }

    /// <summary>Opens a connection; a bad connection string or a server that does not answer becomes one line.</summary>
    public static async Task<MySqlConnection> OpenAsync(string connectionString, CancellationToken ct)
    {
        MySqlConnection connection;
        string where;
        try
        {
            var builder = new MySqlConnectionStringBuilder(connectionString);
            where = builder.ConnectionProtocol == MySqlConnectionProtocol.Tcp ? $"{builder.Server}:{builder.Port}" : builder.Server;
            connection = new MySqlConnection(builder.ConnectionString);
        }
        catch (ArgumentException e)
        {
            throw new CommandLineError($"the MariaDB connection string (--connection-string or {ConnectionStringKey}) is not valid: {e.Message}");
        }
        try
        {
            await connection.OpenAsync(ct);
            return connection;
        }
        catch (MySqlException e)
        {
            await connection.DisposeAsync();
            throw new CommandLineError($"MariaDB at {where}: {e.Message}");
        }
    }
}
