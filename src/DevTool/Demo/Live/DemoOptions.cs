namespace Insights.DevTool.Demo.Live;

/// <summary>What `insights demo` was asked to do (options already checked by the command).</summary>
public sealed record DemoOptions(
    DirectoryInfo Dataset,
    double TicketsPerSecond,
    TimeSpan? Duration,
    bool Dashboard,
    int? MovieId,
    bool KeepStack,
    string ModelPath)
{
    /// <summary>The newest fifth of tickets is replayed live; the rest is the history seed writes first.</summary>
    public const double LiveFraction = 0.2;
}
