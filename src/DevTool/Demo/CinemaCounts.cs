using MySqlConnector;

namespace Insights.DevTool.Demo;

/// <summary>How many rows each table of the cinema database holds.</summary>
public sealed record CinemaCounts(long Members, long Movies, long Sessions, long Tickets)
{
    public bool IsEmpty => Members == 0 && Movies == 0 && Sessions == 0 && Tickets == 0;

    public static async Task<CinemaCounts> ReadAsync(MySqlConnection connection, CancellationToken ct)
    {
        await using var command = new MySqlCommand(
            "SELECT (SELECT COUNT(*) FROM members), (SELECT COUNT(*) FROM movies), (SELECT COUNT(*) FROM sessions), (SELECT COUNT(*) FROM tickets)",
            connection);
        await using var reader = await command.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        return new CinemaCounts(reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3));
    }

    public override string ToString() => $"{Members} members, {Movies} movies, {Sessions} sessions, {Tickets} tickets";
}
