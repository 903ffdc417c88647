using System.Runtime.CompilerServices;
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

    // Inline (no separate array) so scoring reads a movie's count, cached windows and audience mix from
    // one object instead of chasing several references: the scorer touches 50 movies per event.
    internal AudienceCellCounts AudienceCells;

    /// <summary>Attendances of members in an audience cell.</summary>
    public float AudienceCount(byte cell) => AudienceCells[cell];

    /// <summary>Attendances per audience cell, as a new array indexed by cell.</summary>
    public float[] AudienceCounts() => ((ReadOnlySpan<float>)AudienceCells).ToArray();

    /// <summary>Members who attended both movies (symmetric).</summary>
    public Dictionary<int, float> CoAttendance { get; } = [];

    /// <summary>Gap-weighted count of "the other movie followed this one" (directed).</summary>
    public Dictionary<int, float> Follow { get; } = [];

    internal Neighbour[] CoNeighbours = [];
    internal int CoNeighbourCount;
    internal Neighbour[] FollowNeighbours = [];
    internal int FollowNeighbourCount;
    internal int UpdatesSinceBuild = int.MaxValue / 2;

    /// <summary>Incremented at every attendance change of this movie (starts at 1).</summary>
    public int Version { get; internal set; } = 1;

    // Popularity windows for one day, valid until the next attendance of this movie.
    internal int CachedDay = int.MinValue;
    internal float CachedShort;
    internal float CachedLong;
    internal float RowWeightAtBuild;
}

[InlineArray(AudienceCell.Count)]
internal struct AudienceCellCounts
{
    private float first;
}
