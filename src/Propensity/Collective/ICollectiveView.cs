namespace Insights.Propensity.Collective;

/// <summary>
/// The narrow read-only view of collective state the scorer needs. Everything is keyed by movie, so a
/// stream processor can back it with global tables; <see cref="CollectiveState"/> is the in-process one.
/// </summary>
public interface ICollectiveView
{
    /// <summary>Movies most often attended by the same members (cosine-normalised), strongest first.</summary>
    ReadOnlySpan<Neighbour> CoAttendanceNeighbours(int movieId);

    /// <summary>Movies members attend soon after this one (gap-weighted, cosine-normalised), strongest first.</summary>
    ReadOnlySpan<Neighbour> FollowNeighbours(int movieId);

    /// <summary>Popularity of a movie as of a time, with the windows given by the model settings.</summary>
    MoviePopularity Popularity(int movieId, long atSeconds);

    /// <summary>Smoothed share of a movie's audience that falls in an audience cell.</summary>
    double AudienceShare(int movieId, byte audienceCell);

    /// <summary>Smoothed share of all attendances that fall in an audience cell.</summary>
    double AudienceShare(byte audienceCell);
}
