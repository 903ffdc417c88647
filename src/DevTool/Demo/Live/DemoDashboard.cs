using Spectre.Console;
using Spectre.Console.Rendering;

namespace Insights.DevTool.Demo.Live;

/// <summary>
/// Shows the demo's figures until stopped: a Spectre live table refreshed every second on a terminal, or
/// one summary line every <see cref="PlainInterval"/> when the output is not a terminal or with --no-dashboard.
/// </summary>
public static class DemoDashboard
{
    public static readonly TimeSpan LiveInterval = TimeSpan.FromSeconds(1);
    public static readonly TimeSpan PlainInterval = TimeSpan.FromSeconds(5);

    public static async Task RunAsync(bool live, string pageUrl, Func<Task<DemoFigures>> measure, TextWriter plain, CancellationToken until)
    {
        if (!live)
        {
            while (await WaitAsync(PlainInterval, until))
                await plain.WriteLineAsync((await measure()).SummaryLine());
            return;
        }
        await AnsiConsole.Live(Render(pageUrl, null)).AutoClear(false).Overflow(VerticalOverflow.Ellipsis).StartAsync(async context =>
        {
            while (await WaitAsync(LiveInterval, until))
            {
                context.UpdateTarget(Render(pageUrl, await measure()));
                context.Refresh();
            }
        });
    }

    /// <summary>True when the interval passed, false when the demo is stopping.</summary>
    private static async Task<bool> WaitAsync(TimeSpan interval, CancellationToken until)
    {
        try { await Task.Delay(interval, until); return true; }
        catch (OperationCanceledException) { return false; }
    }

    private static IRenderable Render(string pageUrl, DemoFigures? f)
    {
        var table = new Table().Border(TableBorder.Rounded).Expand()
            .Title($"[bold]Insights live demo[/]  page [link]{Markup.Escape(pageUrl)}[/]  (Ctrl+C stops everything)")
            .AddColumn("figure").AddColumn("now");
        if (f is null) return table.AddRow("starting", "first reading in a second...");
        table.AddRow("running for", $"{f.Elapsed:hh\\:mm\\:ss}");
        table.AddRow("events per second (CDC)", $"[bold]{f.EventsPerSecond:F1}[/]  ({f.Offsets?.CdcEvents:N0} change events in Kafka)");
        table.AddRow("consumer lag (workers)", Markup.Escape($"{f.LagText} events"));
        table.AddRow("event-to-score latency", Markup.Escape(f.LatencyText));
        table.AddRow("score updates", $"{f.Offsets?.ScoreUpdates:N0}  (mean {f.Latency.MeanUpdateBytes:N0} B)");
        table.AddRow("tickets replayed", $"{f.TicketsReplayed:N0}  ({f.TicketsPerSecond:F1}/s)");
        var audience = new Table().Border(TableBorder.None).AddColumn("#").AddColumn("member").AddColumn("propensity");
        if (f.Audience.Problem is { } problem) audience.AddRow("", Markup.Escape(problem), "");
        for (var i = 0; i < f.Audience.Members.Count; i++)
            audience.AddRow($"{i + 1}", $"{f.Audience.Members[i].MemberId}", $"{f.Audience.Members[i].Score:F3}");
        table.AddRow(new Markup($"top audience of\n[bold]{Markup.Escape(f.Movie.Title)}[/] (#{f.Movie.MovieId})"), audience);
        table.AddRow("roles", Markup.Escape(f.RolesText));
        if (f.KafkaProblem is { } kafka) table.AddRow("[red]kafka[/]", Markup.Escape(kafka));
        return table;
    }
}
