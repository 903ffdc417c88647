namespace Insights.DevTool.Demo;

/// <summary>Rows of one table written so far, for a progress bar.</summary>
public readonly record struct SeedProgress(string Table, long Done, long Total);

/// <summary>Tickets replayed so far and the rate over the last second or so.</summary>
public readonly record struct ReplayProgress(long Done, long Total, double TicketsPerSecond);
