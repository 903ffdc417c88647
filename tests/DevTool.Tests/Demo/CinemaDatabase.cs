using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Insights.DevTool.Demo;
using Insights.Evaluation.Data;
using MySqlConnector;

namespace Insights.DevTool.Tests.Demo;

/// <summary>Test helpers around the cinema database: plan, seed, query, checksum.</summary>
public static class CinemaDatabase
{
    public static CinemaPlan PlanOf(string folder) => CinemaPlanner.Build(DatasetLoader.Load(folder), DatasetDetails.Read(folder));

    public static async Task<MySqlConnection> OpenAsync(string connectionString)
    {
        var connection = new MySqlConnection(connectionString);
        await connection.OpenAsync();
        return connection;
    }

    public static async Task<SeedOutcome> SeedAsync(string connectionString, CinemaPlan plan, double liveFraction = 0.2, bool reset = true, CatalogSize? size = null)
    {
        await using var connection = await OpenAsync(connectionString);
        return await new CinemaSeeder(connection).SeedAsync(plan, CatalogCut.Of(plan, liveFraction, size ?? CatalogSize.Cinema), reset, null, CancellationToken.None);
    }

    public static async Task<List<object[]>> RowsAsync(string connectionString, string sql)
    {
        await using var connection = await OpenAsync(connectionString);
        await using var command = new MySqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<object[]>();
        while (await reader.ReadAsync())
        {
            var row = new object[reader.FieldCount];
            reader.GetValues(row);
            rows.Add(row);
        }
        return rows;
    }

    public static async Task<T> ScalarAsync<T>(string connectionString, string sql) =>
        (T)Convert.ChangeType((await RowsAsync(connectionString, sql))[0][0], typeof(T), CultureInfo.InvariantCulture);

    /// <summary>SHA-256 over every table's rows in key order; updated_at (the insert's wall clock) only when asked.</summary>
    public static async Task<string> ChecksumAsync(string connectionString, bool withUpdatedAt)
    {
        var tables = new (string Table, string Columns, string Key)[]
        {
            ("members", "member_id, name, email, postcode, birth_year, gender, occupation, joined_at", "member_id"),
            ("movies", "movie_id, title, genres, release_date, certificate, runtime_minutes, status", "movie_id"),
            ("sessions", "session_id, movie_id, cinema_id, starts_at, format", "session_id"),
            ("tickets", "ticket_id, member_id, session_id, purchased_at, quantity, price, status", "ticket_id"),
        };
        var text = new StringBuilder();
        foreach (var (table, columns, key) in tables)
        {
            var select = withUpdatedAt && table != "sessions" ? $"{columns}, updated_at" : columns;
            text.Append(table).Append('\n');
            foreach (var row in await RowsAsync(connectionString, $"SELECT {select} FROM {table} ORDER BY {key}"))
                text.AppendJoin('|', row.Select(v => v is DateTime d ? d.ToString("O", CultureInfo.InvariantCulture) : Convert.ToString(v, CultureInfo.InvariantCulture))).Append('\n');
        }
        return Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())));
    }
}
