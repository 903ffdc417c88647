namespace Insights.Propensity.Collective;

/// <summary>
/// One movie's collective signals as its owner publishes them to every reader: attendance count, version (rises
/// with every attendance change), attendances per audience cell, the popularity timeline (days and running
/// totals) and the two neighbour lists, already normalised and cut to the model's neighbour count.
/// </summary>
public sealed record MovieProfile(int MovieId, float Count, int Version, float[] AudienceCells, int[] TimelineDays,
    float[] TimelineTotals, Neighbour[] CoNeighbours, Neighbour[] FollowNeighbours);
