using Spectre.Console;

namespace Insights.DevTool.Demo;

/// <summary>
/// Spectre progress bars on stderr (stdout stays for the summary line). The IProgress adapters report
/// synchronously: Progress&lt;T&gt; would post to the thread pool and could draw reports out of order.
/// </summary>
public static class ProgressBars
{
    private static IAnsiConsole StandardError() => AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });

    /// <summary>One bar per table, rows written out of rows to write.</summary>
    public static Task<T> ForSeedAsync<T>(Func<IProgress<SeedProgress>, Task<T>> work) =>
        StandardError().Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
            .StartAsync(context => work(new TableBars(context)));

    /// <summary>One bar for the tickets, its description carrying the current rate.</summary>
    public static Task<T> ForReplayAsync<T>(Func<IProgress<ReplayProgress>, Task<T>> work) =>
        StandardError().Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn())
            .StartAsync(context => work(new RateBar(context)));

    private sealed class TableBars(ProgressContext context) : IProgress<SeedProgress>
    {
        private readonly Dictionary<string, ProgressTask> bars = [];

        public void Report(SeedProgress value)
        {
            if (!bars.TryGetValue(value.Table, out var bar))
                bars[value.Table] = bar = context.AddTask(value.Table, maxValue: Math.Max(1, value.Total));
            bar.Value(value.Total == 0 ? 1 : value.Done);
        }
    }

    private sealed class RateBar(ProgressContext context) : IProgress<ReplayProgress>
    {
        private ProgressTask? bar;

        public void Report(ReplayProgress value)
        {
            bar ??= context.AddTask("tickets", maxValue: Math.Max(1, value.Total));
            bar.Description = $"tickets {value.Done:N0}/{value.Total:N0} at {value.TicketsPerSecond:N1}/s";
            bar.Value(value.Total == 0 ? 1 : value.Done);
        }
    }
}
