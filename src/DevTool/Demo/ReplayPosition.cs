using Insights.Contracts;
using Insights.Contracts.Cinema;
using MySqlConnector;

namespace Insights.DevTool.Demo;

/// <summary>
/// Where a replay resumes: after the newest ticket in the database (which must hold this plan's rows,
/// see <see cref="PlanMatch"/>), with the sessions inserted so far and each movie's current status.
/// </summary>
public sealed record ReplayPosition(long LastTicketId, int LastSessionId, Dictionary<int, string> MovieStatuses)
{
    public static async Task<ReplayPosition> ReadAsync(MySqlConnection connection, CinemaPlan plan, CancellationToken ct)
    {
        var counts = await CinemaCounts.ReadAsync(connection, ct);
        if (counts.Members == 0) throw new CommandLineError("cinema holds no members: run `insights seed` first");
        if (await PlanMatch.ProblemAsync(connection, plan, counts, ct) is { } problem)
            throw new CommandLineError($"cinema was not seeded from this dataset ({problem}): run `insights seed --reset` with it");

        long lastTicket;
        int lastSession;
        await using (var command = new MySqlCommand("SELECT (SELECT COALESCE(MAX(ticket_id), 0) FROM tickets), (SELECT COALESCE(MAX(session_id), 0) FROM sessions)", connection))
        await using (var reader = await command.ExecuteReaderAsync(ct))
        {
            await reader.ReadAsync(ct);
            lastTicket = Convert.ToInt64(reader.GetValue(0));
            lastSession = Convert.ToInt32(reader.GetValue(1));
        }
        var statuses = new Dictionary<int, string>();
        await using (var command = new MySqlCommand("SELECT movie_id, status FROM movies", connection))
        await using (var reader = await command.ExecuteReaderAsync(ct))
            while (await reader.ReadAsync(ct)) statuses[reader.GetInt32(0)] = reader.GetString(1);
        return new ReplayPosition(lastTicket, lastSession, statuses);
    }

    public bool IsComingSoon(int movieId) => MovieStatuses.GetValueOrDefault(movieId) == MovieRow.ComingSoon;
}
