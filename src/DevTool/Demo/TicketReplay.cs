using System.Diagnostics;
using Insights.Contracts;
using Insights.Contracts.Cinema;
using MySqlConnector;

namespace Insights.DevTool.Demo;

/// <summary>
/// The demo's live traffic: inserts the plan's remaining tickets in purchase order at a steady rate,
/// each batch in one transaction with the sessions it needs first and, for a coming_soon movie selling its
/// first ticket, the flip to now_showing (a catalog change the processors react to). Archived movies stay
/// archived when they sell (a late screening): the listing stays as bounded as the cut made it.
/// At low rates every transaction is one sale; when the database falls behind, due tickets are batched.
/// Cancellation stops between transactions, so a stop never leaves half a sale.
/// </summary>
public sealed class TicketReplay(MySqlConnection connection, CinemaPlan plan)
{
    public const int MaxTicketsPerTransaction = 500;

    public async Task<ReplayOutcome> RunAsync(double ticketsPerSecond, long? limit, IProgress<ReplayProgress>? progress, CancellationToken ct)
    {
        if (!(ticketsPerSecond > 0) || double.IsInfinity(ticketsPerSecond)) throw new CommandLineError($"--rate must be a positive number of tickets per second, got {ticketsPerSecond}");
        if (limit is < 0) throw new CommandLineError($"--limit must not be negative, got {limit}");
        var position = await ReplayPosition.ReadAsync(connection, plan, CancellationToken.None);
        var next = (int)position.LastTicketId; // index of the next ticket to insert
        var total = Math.Min(plan.Tickets.Count - next, limit ?? long.MaxValue);
        var lastSession = position.LastSessionId;
        var flipped = new List<int>();

        var clock = Stopwatch.StartNew();
        var (rateSince, rateDone, rate) = (TimeSpan.Zero, 0L, 0.0);
        long done = 0;
        progress?.Report(new ReplayProgress(0, total, 0));
        while (done < total && !ct.IsCancellationRequested)
        {
            var due = Math.Min(total, (long)(clock.Elapsed.TotalSeconds * ticketsPerSecond) + 1) - done;
            if (due <= 0)
            {
                var wait = TimeSpan.FromSeconds(done / ticketsPerSecond) - clock.Elapsed; // when the next ticket is due
                try { await Task.Delay(wait > TimeSpan.Zero ? wait : TimeSpan.Zero, ct); }
                catch (OperationCanceledException) { break; }
                continue;
            }
            var batch = plan.Tickets.Skip(next).Take((int)Math.Min(due, MaxTicketsPerTransaction)).ToList();
            var sessions = plan.Sessions.Skip(lastSession).Take(batch.Max(t => t.SessionId) - lastSession).ToList();
            var flips = batch.Select(t => t.MovieId).Distinct().Where(position.IsComingSoon).ToList();
            // Not cancellable: a started sale is finished, then the loop stops.
            await InsertAsync(batch, sessions, flips, CancellationToken.None);
            foreach (var id in flips) position.MovieStatuses[id] = MovieRow.NowShowing;
            flipped.AddRange(flips);
            lastSession += sessions.Count;
            next += batch.Count;
            done += batch.Count;

            if (clock.Elapsed - rateSince >= TimeSpan.FromSeconds(1) || done == total)
            {
                var span = (clock.Elapsed - rateSince).TotalSeconds;
                if (span > 0) rate = (done - rateDone) / span;
                (rateSince, rateDone) = (clock.Elapsed, done);
                progress?.Report(new ReplayProgress(done, total, rate));
            }
        }
        return new ReplayOutcome(done, next < plan.Tickets.Count ? next + 1 : null, flipped, clock.Elapsed);
    }

    private async Task InsertAsync(List<PlannedTicket> tickets, List<PlannedSession> sessions, List<int> flips, CancellationToken ct)
    {
        await using var transaction = await connection.BeginTransactionAsync(ct);
        if (flips.Count > 0)
        {
            await using var flip = new MySqlCommand($"UPDATE movies SET status = '{MovieRow.NowShowing}' WHERE movie_id IN ({string.Join(',', flips)})", connection, transaction);
            await flip.ExecuteNonQueryAsync(ct);
        }
        await CinemaRows.Sessions.InsertAsync(connection, transaction, sessions, ct);
        await CinemaRows.Tickets.InsertAsync(connection, transaction, tickets, ct);
        await transaction.CommitAsync(ct);
    }
}

/// <summary>What a replay did: tickets inserted, the next ticket id still to come (null when all are in), movies flipped to now_showing.</summary>
public sealed record ReplayOutcome(long Inserted, long? NextTicketId, IReadOnlyList<int> FlippedToNowShowing, TimeSpan Elapsed);
