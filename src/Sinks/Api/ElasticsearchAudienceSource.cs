using Insights.Sinks.Elasticsearch;

namespace Insights.Sinks.Api;

/// <summary>The audience source over the Elasticsearch score index (one request per question).</summary>
public sealed class ElasticsearchAudienceSource(AudienceQueries queries, ElasticsearchHistogram histogram) : IAudienceSource
{
    public Task<AudiencePage> TopAudienceAsync(AudienceQuery query, CancellationToken ct) => queries.TopAudienceAsync(query, ct);

    public Task<MemberPropensities?> MemberPropensitiesAsync(long memberId, CancellationToken ct) => queries.MemberPropensitiesAsync(memberId, ct);

    // Sizing sums every member's score of the filtered audience and sorts them: the index could aggregate the nested
    // audience_scores, but the segment's best-N sum and its demographics need every score, not bins.
    public Task<CampaignSize> CampaignSizeAsync(AudienceQuery query, CancellationToken ct) =>
        throw new NotSupportedException($"campaign sizing needs {ApiSettings.Section}:Source={ApiSettings.ScoresTopicSource}: " +
            "it sorts and sums every member's score of the filtered audience, which the Elasticsearch source does not do");

    public Task<ScoreHistogram> HistogramAsync(int movieId, int bins, CancellationToken ct) => histogram.HistogramAsync(movieId, bins, ct);
}
