using Insights.Contracts;
using MySqlConnector;

namespace Insights.DevTool.Demo;

/// <summary>
/// Fills an empty cinema database with a plan's rows up to the cut. A database that already holds this
/// seed is left alone; one holding anything else is refused unless reset (truncate, then seed).
/// </summary>
public sealed class CinemaSeeder(MySqlConnection connection)
{
    /// <summary>Rows per transaction: large enough for speed, small enough to keep the binlog's transactions modest.</summary>
    public const int RowsPerTransaction = 5000;

    public async Task<SeedOutcome> SeedAsync(CinemaPlan plan, CatalogCut cut, bool reset, IProgress<SeedProgress>? progress, CancellationToken ct)
    {
        var before = await CinemaCounts.ReadAsync(connection, ct);
        if (!before.IsEmpty && !reset)
        {
            // Replay only adds sessions and tickets, so a seeded (and maybe replayed) database holds at least the seed.
            var problem = before.Sessions < cut.SeededSessions || before.Tickets < cut.SeededTickets
                ? $"it holds fewer sessions or tickets than the seed ({before.Sessions} of {cut.SeededSessions}, {before.Tickets} of {cut.SeededTickets})"
                : await PlanMatch.ProblemAsync(connection, plan, before, ct);
            if (problem is null) return new SeedOutcome(AlreadySeeded: true, before);
            throw new CommandLineError($"cinema already holds data that is not this dataset's seed ({problem}): pass --reset to replace it");
        }
        if (reset) await TruncateAsync(ct);

        await InsertAsync(CinemaRows.Members, "members", plan.Members, progress, ct);
        await InsertAsync(CinemaRows.Movies(cut), "movies", plan.Movies, progress, ct);
        await InsertAsync(CinemaRows.Sessions, "sessions", plan.Sessions.Take(cut.SeededSessions).ToList(), progress, ct);
        await InsertAsync(CinemaRows.Tickets, "tickets", plan.Tickets.Take(cut.SeededTickets).ToList(), progress, ct);
        return new SeedOutcome(AlreadySeeded: false, await CinemaCounts.ReadAsync(connection, ct));
    }

    private async Task TruncateAsync(CancellationToken ct)
    {
        // TRUNCATE refuses tables that foreign keys point at unless the checks are off for this session.
        await using var command = new MySqlCommand(
            "SET FOREIGN_KEY_CHECKS = 0; TRUNCATE TABLE tickets; TRUNCATE TABLE sessions; TRUNCATE TABLE movies; TRUNCATE TABLE members; SET FOREIGN_KEY_CHECKS = 1;",
            connection);
        await command.ExecuteNonQueryAsync(ct);
    }

    private async Task InsertAsync<T>(MultiRowInsert<T> insert, string table, IReadOnlyList<T> rows, IProgress<SeedProgress>? progress, CancellationToken ct)
    {
        progress?.Report(new SeedProgress(table, 0, rows.Count));
        for (var start = 0; start < rows.Count; start += RowsPerTransaction)
        {
            var chunk = rows.Skip(start).Take(RowsPerTransaction).ToList();
            await using var transaction = await connection.BeginTransactionAsync(ct);
            await insert.InsertAsync(connection, transaction, chunk, ct);
            await transaction.CommitAsync(ct);
            progress?.Report(new SeedProgress(table, start + chunk.Count, rows.Count));
        }
    }
}

/// <summary>What seeding did: nothing (the seed was already there) or filled the tables to these counts.</summary>
public sealed record SeedOutcome(bool AlreadySeeded, CinemaCounts Counts);
