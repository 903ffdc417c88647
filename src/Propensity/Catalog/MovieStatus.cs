namespace Insights.Propensity.Catalog;

/// <summary>Where a movie is in its run; only showing and coming-soon movies are scored in production.</summary>
public enum MovieStatus : byte
{
    Unknown = 0,
    ComingSoon = 1,
    NowShowing = 2,
    Archived = 3,
}
