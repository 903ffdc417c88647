using Insights.Propensity.Members;

namespace Insights.Propensity.Collective;

/// <summary>
/// The collective state of one movie (one value per movie key): attendance count and timeline, audience
/// mix per cell, raw co-attendance and follow counts towards other movies, and the neighbour lists
/// derived from them, rebuilt lazily when enough has changed.
/// </summary>
public sealed class MovieStatistics
{
    public float Count { get; internal set; }

    public PopularityTimeline Timeline { get; } = new();

    public float[] AudienceCells { get; } = new float[AudienceCell.Count];

    /// <summary>Members who attended both movies (symmetric).</summary>
    public Dictionary<int, float> CoAttendance { get; } = [];

    /// <summary>Gap-weighted count of "the other movie followed this one" (directed).</summary>
    public Dictionary<int, float> Follow { get; } = [];

    internal Neighbour[] CoNeighbours = [];
    internal int CoNeighbourCount;
    internal Neighbour[] FollowNeighbours = [];
    internal int FollowNeighbourCount;
    internal int UpdatesSinceBuild = int.MaxValue / 2;
    internal float RowWeightAtBuild;
}
