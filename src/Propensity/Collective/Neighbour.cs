namespace Insights.Propensity.Collective;

/// <summary>A movie related to another one, with a normalised strength (higher is closer).</summary>
public readonly record struct Neighbour(int MovieId, float Weight);
