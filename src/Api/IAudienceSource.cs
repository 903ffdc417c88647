using Insights.Sinks.Elasticsearch;

namespace Insights.Api;

/// <summary>What the API endpoints ask of the scores, whichever store answers (see <see cref="ApiSettings.Source"/>).</summary>
public interface IAudienceSource
{
    /// <summary>
    /// The members most likely to see the movie, best first, members who saw it excluded: one page, and the cursor
    /// of the next. Throws <see cref="FormatException"/> for a cursor it did not write.
    /// </summary>
    Task<AudiencePage> TopAudienceAsync(AudienceQuery query, CancellationToken ct);

    /// <summary>A member's score for every candidate movie, best first; null when the member has no scores.</summary>
    Task<MemberPropensities?> MemberPropensitiesAsync(long memberId, CancellationToken ct);

    /// <summary>
    /// How the audience's scores spread over <paramref name="bins"/> bins of a log scale of probability
    /// (<see cref="ScoreBins"/>), each member counted once.
    /// </summary>
    Task<ScoreHistogram> HistogramAsync(int movieId, int bins, CancellationToken ct);

    /// <summary>
    /// What targeting the best <see cref="AudienceQuery.Top"/> members of the filtered audience brings. Throws
    /// <see cref="NotSupportedException"/> (answered 501) for a segment larger than the store reads member by member.
    /// </summary>
    Task<CampaignSize> CampaignSizeAsync(AudienceQuery query, CancellationToken ct);

    /// <summary>The movie's whole audience counted and its probabilities summed (its expected attendance), nothing else.</summary>
    Task<AudienceTotal> AudienceTotalAsync(int movieId, CancellationToken ct);
}

/// <summary>A movie's audience (members with a score who have not seen it) and its expected attendance, the sum of their probabilities.</summary>
public readonly record struct AudienceTotal(int Members, double ExpectedAttendance);
