namespace Insights.Propensity.Collective;

/// <summary>
/// How many attendances a movie has: in total, and in the short and long windows ending at the time asked
/// for. Short against long (per day) is the movie's momentum.
/// </summary>
public readonly record struct MoviePopularity(float Total, float ShortWindow, float LongWindow);
