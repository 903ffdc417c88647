using Insights.DevTool.Demo;
using Spectre.Console;

namespace Insights.DevTool;

/// <summary>
/// The developer tool's progress bars (Spectre), on stderr: stdout stays for the summary line or --json. The IProgress adapters report
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

    /// <summary>One bar per stage of a synchronous run; a new stage completes the one before.</summary>
    public static TResult ForStages<TProgress, TResult>(Func<TProgress, (string Stage, double Fraction)> read, Func<IProgress<TProgress>, TResult> work)
    {
        var result = default(TResult)!;
        StandardError().Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
            .Start(context => result = work(new StageBars<TProgress>(context, read)));
        return result;
    }

    private sealed class StageBars<T>(ProgressContext context, Func<T, (string Stage, double Fraction)> read) : IProgress<T>
    {
        private ProgressTask? current;
        private string? stage;

        public void Report(T value)
        {
            var (name, fraction) = read(value);
            if (name != stage)
            {
                current?.Value(current.MaxValue);
                current = context.AddTask(name, maxValue: 1);
                stage = name;
            }
            current!.Value(Math.Clamp(fraction, 0, 1));
        }
    }

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
