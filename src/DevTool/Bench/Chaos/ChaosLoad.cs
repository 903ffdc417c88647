using Insights.Contracts;
using Insights.DevTool.Demo;
using MySqlConnector;

namespace Insights.DevTool.Bench.Chaos;

/// <summary>
/// The chaos run's ticket traffic: the demo's <see cref="TicketReplay"/> at a steady rate into MariaDB, carried across
/// a MariaDB restart. When the server goes away the replay's connection fails (a sale in flight is committed or not,
/// MariaDB decides); the load then reconnects every half second and resumes after the newest ticket the database holds,
/// so what was committed is exactly a prefix of the plan. Tickets due while the server was down are not made up.
/// </summary>
public sealed class ChaosLoad(string connectionString, CinemaPlan plan, double ticketsPerSecond)
{
    private long interruptions;

    /// <summary>How often the replay lost its connection and resumed.</summary>
    public long Interruptions => Interlocked.Read(ref interruptions);

    /// <summary>Replays until <paramref name="stop"/> (or the plan's end); <paramref name="say"/> hears of each interruption.</summary>
    public async Task RunAsync(Action<string> say, CancellationToken stop)
    {
        var waiting = false;
        while (!stop.IsCancellationRequested)
        {
            try
            {
                await using var db = await DemoDatabase.OpenAsync(connectionString, stop);
                if (waiting) say("the ticket load reconnected to MariaDB and resumes after the newest committed ticket");
                waiting = false;
                var outcome = await new TicketReplay(db, plan).RunAsync(ticketsPerSecond, null, null, stop);
                if (outcome.NextTicketId is null) return; // every planned ticket is in
            }
            // MySqlConnector reports a server that went away as a MySqlException, an IOException or a closed connection.
            catch (Exception e) when (e is MySqlException or CommandLineError or InvalidOperationException or IOException && !stop.IsCancellationRequested)
            {
                if (!waiting) say($"the ticket load lost MariaDB ({FirstLine(e.Message)}); retrying every 0.5 s");
                if (!waiting) Interlocked.Increment(ref interruptions);
                waiting = true;
                try { await Task.Delay(500, stop); } catch (OperationCanceledException) { return; }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested) { return; }
        }
    }

    private static string FirstLine(string text) => text.Split('\n')[0].Trim();
}
