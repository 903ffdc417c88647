namespace Insights.Propensity.Catalog;

/// <summary>One catalog movie. Genres is a bit set over the catalog's genre names (bit g = genre g).</summary>
/// <param name="ReleaseDay">Days since 1970-01-01, or null when the source does not know it.</param>
public sealed record Movie(int Id, uint Genres, int? ReleaseDay, MovieStatus Status);
