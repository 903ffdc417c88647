using System.Globalization;

namespace Insights.DevTool.Demo.Live;

/// <summary>One refresh of the dashboard: everything it shows, also written as the plain summary line.</summary>
public sealed record DemoFigures(
    TimeSpan Elapsed,
    double EventsPerSecond,
    PipelineOffsets? Offsets,
    string? KafkaProblem,
    LatencySummary Latency,
    long TicketsReplayed,
    double TicketsPerSecond,
    FeaturedMovie Movie,
    AudienceView Audience,
    IReadOnlyList<(string Name, int? ExitCode)> Roles)
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public string LagText => Offsets?.Lag is { } lag ? lag.ToString("N0", Invariant) : $"unknown ({Offsets?.LagProblem ?? KafkaProblem ?? "no reading yet"})";

    public string LatencyText => Latency.MedianMs is { } median
        ? $"p50 {median.ToString("F0", Invariant)} ms p95 {Latency.P95Ms!.Value.ToString("F0", Invariant)} ms ({Latency.Samples} updates in the last {ScoreLatency.Window.TotalSeconds.ToString(Invariant)} s)"
        : "no score updates in the last window";

    public string AudienceText => Audience.Problem is { } problem ? $"({problem})"
        : Audience.Members.Count == 0 ? "(no audience yet)"
        : string.Join(" ", Audience.Members.Select(m => $"{m.MemberId}:{m.Score.ToString("F3", Invariant)}"));

    public string RolesText => string.Join(" ", Roles.Select(r => r.ExitCode is { } code ? $"{r.Name}:exited({code})" : $"{r.Name}:up"));

    /// <summary>The plain one-line summary (no terminal, or --no-dashboard); stable keys so scripts and tests can read it.</summary>
    public string SummaryLine() =>
        $"demo {Elapsed:hh\\:mm\\:ss} events/s {EventsPerSecond.ToString("F1", Invariant)} " +
        $"cdc-events {Offsets?.CdcEvents.ToString(Invariant) ?? "?"} lag {LagText} " +
        $"latency {LatencyText} scores {Offsets?.ScoreUpdates.ToString(Invariant) ?? "?"} " +
        $"tickets {TicketsReplayed.ToString(Invariant)} ({TicketsPerSecond.ToString("F1", Invariant)}/s) " +
        $"movie {Movie.MovieId} audience {AudienceText} roles {RolesText}";
}
