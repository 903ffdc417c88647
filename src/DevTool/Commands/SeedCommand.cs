using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Insights.Contracts;
using Insights.DevTool.Demo;

namespace Insights.DevTool.Commands;

/// <summary>
/// `insights seed`: fills the cinema database from a MovieLens dataset (members, movies, sessions and the
/// earliest tickets), leaving the newest --live-fraction of tickets for `insights replay`. Deterministic:
/// the same dataset always gives the same rows. Idempotent: an already seeded database is left alone.
/// </summary>
public static class SeedCommand
{
    public static Command Create()
    {
        var dataset = new Option<DirectoryInfo>("--dataset") { Description = "Dataset folder (ml-100k layout or MovieLens CSV layout).", Required = true };
        var liveFraction = new Option<double>("--live-fraction") { Description = "Fraction of tickets (the newest) left for replay.", DefaultValueFactory = _ => 0.2 };
        var reset = new Option<bool>("--reset") { Description = "Truncate the cinema tables first and seed again." };
        var connection = new Option<string?>("--connection-string") { Description = "MariaDB connection string; default: configuration key MariaDb:ConnectionString." };
        var command = new Command("seed", "Fill the cinema database from a MovieLens dataset, leaving the newest tickets for replay.")
        {
            dataset, liveFraction, reset, connection,
        };
        command.SetAction(async (parse, ct) =>
        {
            var fraction = parse.GetValue(liveFraction);
            if (double.IsNaN(fraction) || fraction is < 0 or > 1) throw new CommandLineError($"--live-fraction must be between 0 and 1, got {fraction.ToString(CultureInfo.InvariantCulture)}");
            var folder = parse.GetValue(dataset)!;
            var plan = DemoPlanLoader.Load(folder);
            if (plan.UnmappedGenres.Count > 0)
                Console.Error.WriteLine($"insights: genres not in the schema's SET, left out: {string.Join(", ", plan.UnmappedGenres)}");
            var cut = CatalogCut.Of(plan, fraction);
            await using var db = await DemoDatabase.OpenAsync(DemoDatabase.ConnectionString(parse.GetValue(connection)), ct);

            var clock = Stopwatch.StartNew();
            var outcome = await ProgressBars.ForSeedAsync(progress => new CinemaSeeder(db).SeedAsync(plan, cut, parse.GetValue(reset), progress, ct));
            if (outcome.AlreadySeeded)
                Console.WriteLine($"cinema already holds this dataset's seed ({outcome.Counts}); nothing changed (pass --reset to seed again)");
            else
                Console.WriteLine($"seeded cinema from {folder.Name} in {clock.Elapsed.TotalSeconds.ToString("F1", CultureInfo.InvariantCulture)} s: {outcome.Counts}; " +
                    $"{plan.Tickets.Count - cut.SeededTickets} tickets left for replay (cut at {cut.At:yyyy-MM-dd HH:mm:ss.fff})");
            return 0;
        });
        return command;
    }
}
