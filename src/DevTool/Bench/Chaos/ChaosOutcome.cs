namespace Insights.DevTool.Bench.Chaos;

/// <summary>What one chaos run measured; <see cref="Failures"/> is empty when it passed.</summary>
public sealed record ChaosFigures(
    long TicketsCommitted,
    long TicketsSeeded,
    long TicketRecords,
    IReadOnlyList<ScoreComparison> Comparisons,
    IReadOnlyDictionary<string, int> Kills,
    int MariaDbRestarts,
    TimeSpan? MariaDbDown,
    long LoadInterruptions,
    TimeSpan Drain,
    TimeSpan Settle,
    int UnplannedExits,
    IReadOnlyList<string> Failures)
{
    public int MembersCompared => Comparisons.Count == 0 ? 0 : Comparisons[0].Compared;
    public double LargestDifference => Comparisons.Select(c => c.Largest).DefaultIfEmpty().Max();

    public string Line() =>
        $"{TicketsCommitted:N0} tickets committed ({TicketsSeeded:N0} seeded, {TicketsCommitted - TicketsSeeded:N0} sold live; {TicketRecords:N0} ticket events on the topic), " +
        $"{MembersCompared} members compared in {string.Join(", ", Comparisons.Select(c => c.Place))}: largest difference {LargestDifference:0.0e0} (tolerance {ScoreComparison.Tolerance:0e0}); " +
        $"kills {string.Join(", ", Kills.Select(k => $"{k.Key} {k.Value}"))}; MariaDB restarted {MariaDbRestarts}x" +
        (MariaDbDown is { } down ? $" (down {down.TotalSeconds:0.0} s, load interrupted {LoadInterruptions}x)" : "") +
        $"; drained {Drain.TotalSeconds:0.0} s after the load, settled {Settle.TotalSeconds:0.0} s later; {UnplannedExits} unplanned exits";
}

/// <summary>One run's verdict: its figures, or why it could not finish.</summary>
public sealed record ChaosOutcome(bool Passed, ChaosFigures? Figures, string? Error = null)
{
    public string Verdict() => Passed
        ? $"PASS: {Figures!.Line()}; every movie's count equals its tickets; no partition trimmed"
        : Figures is { } figures
            ? $"FAIL: {string.Join(" | ", figures.Failures)}\n  figures: {figures.Line()}"
            : $"FAIL: {Error}";
}
