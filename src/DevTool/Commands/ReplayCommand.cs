using System.CommandLine;
using System.Globalization;
using Insights.Contracts;
using Insights.DevTool.Demo;

namespace Insights.DevTool.Commands;

/// <summary>
/// `insights replay`: the demo's live traffic. Inserts the tickets `insights seed` left out, in purchase
/// order at --rate per second, resuming after the newest ticket in the database; Ctrl+C stops cleanly
/// between transactions and the next run continues from there.
/// </summary>
public static class ReplayCommand
{
    public static Command Create()
    {
        var dataset = new Option<DirectoryInfo>("--dataset") { Description = "The dataset folder the database was seeded from.", Required = true };
        var rate = new Option<double>("--rate") { Description = "Tickets per second.", Required = true };
        var limit = new Option<long?>("--limit") { Description = "Stop after this many tickets." };
        var connection = new Option<string?>("--connection-string") { Description = "MariaDB connection string; default: configuration key MariaDb:ConnectionString." };
        var command = new Command("replay", "Insert the remaining tickets in purchase order at a steady rate (the demo's live traffic).")
        {
            dataset, rate, limit, connection,
        };
        command.SetAction(async (parse, ct) =>
        {
            var perSecond = parse.GetValue(rate);
            if (!(perSecond > 0) || double.IsInfinity(perSecond)) throw new CommandLineError($"--rate must be a positive number of tickets per second, got {perSecond.ToString(CultureInfo.InvariantCulture)}");
            if (parse.GetValue(limit) is < 0) throw new CommandLineError("--limit must not be negative");
            // Checked here as well as in TicketReplay so a bad option fails before the dataset is loaded.
            var plan = DemoPlanLoader.Load(parse.GetValue(dataset)!);
            await using var db = await DemoDatabase.OpenAsync(DemoDatabase.ConnectionString(parse.GetValue(connection)), ct);

            var outcome = await ProgressBars.ForReplayAsync(progress => new TicketReplay(db, plan).RunAsync(perSecond, parse.GetValue(limit), progress, ct));
            var seconds = outcome.Elapsed.TotalSeconds;
            var mean = seconds > 0 ? (outcome.Inserted / seconds).ToString("F1", CultureInfo.InvariantCulture) : "-";
            Console.WriteLine($"replayed {outcome.Inserted} tickets in {seconds.ToString("F1", CultureInfo.InvariantCulture)} s ({mean}/s), " +
                $"{outcome.FlippedToNowShowing.Count} movies flipped to now_showing; " +
                (outcome.NextTicketId is { } nextId ? $"the next run resumes at ticket {nextId}" : "every ticket is in"));
            return 0;
        });
        return command;
    }
}
