using MySqlConnector;

namespace Insights.DevTool.Demo;

/// <summary>
/// Whether a database holds rows of this plan: the plan's members and movies, no more sessions or tickets
/// than it has, and the newest session and ticket equal to the plan's rows of those ids (sessions and
/// tickets are inserted in id order, so a different dataset or a different planner shows there first).
/// </summary>
public static class PlanMatch
{
    /// <summary>Null when the database holds this plan's rows, else what differs.</summary>
    public static async Task<string?> ProblemAsync(MySqlConnection connection, CinemaPlan plan, CinemaCounts counts, CancellationToken ct)
    {
        if (counts.Members != plan.Members.Count || counts.Movies != plan.Movies.Count)
            return $"it holds {counts.Members} members and {counts.Movies} movies, the dataset has {plan.Members.Count} and {plan.Movies.Count}";
        if (counts.Sessions > plan.Sessions.Count || counts.Tickets > plan.Tickets.Count)
            return $"it holds {counts.Sessions} sessions and {counts.Tickets} tickets, more than the dataset's {plan.Sessions.Count} and {plan.Tickets.Count}";

        await using var command = new MySqlCommand("""
            SELECT session_id, movie_id, cinema_id, starts_at, format FROM sessions ORDER BY session_id DESC LIMIT 1;
            SELECT ticket_id, member_id, session_id, purchased_at, quantity, price FROM tickets ORDER BY ticket_id DESC LIMIT 1;
            """, connection);
        await using var reader = await command.ExecuteReaderAsync(ct);
        // Records compare DateTime by ticks only, so the Kind read back (Unspecified) does not matter.
        if (await reader.ReadAsync(ct))
        {
            var id = reader.GetInt32(0);
            var stored = new PlannedSession(id, reader.GetInt32(1), reader.GetInt32(2), reader.GetDateTime(3), reader.GetString(4));
            if (id < 1 || id > plan.Sessions.Count || stored != plan.Sessions[id - 1]) return $"its session {id} is not the dataset's";
        }
        await reader.NextResultAsync(ct);
        if (await reader.ReadAsync(ct))
        {
            var id = reader.GetInt64(0);
            if (id < 1 || id > plan.Tickets.Count) return $"its ticket {id} is not the dataset's";
            var expected = plan.Tickets[(int)id - 1];
            var stored = expected with { MemberId = reader.GetInt32(1), SessionId = reader.GetInt32(2), PurchasedAt = reader.GetDateTime(3), Quantity = reader.GetInt32(4), Price = reader.GetDecimal(5) };
            if (stored != expected) return $"its ticket {id} is not the dataset's";
        }
        return null;
    }
}
