namespace Insights.Propensity.Collective;

/// <summary>
/// How many attendances a movie has: in total, and in the short and long windows ending at the time asked
/// for. Short against long (per day) is the movie's momentum. Version changes whenever the movie's
/// attendances change (0 for a movie never seen), so readers can cache values derived from it.
/// </summary>
public readonly record struct MoviePopularity(float Total, float ShortWindow, float LongWindow, int Version = 0);
