using Insights.Sinks.Elasticsearch;

namespace Insights.Api;

/// <summary>The audience source over the Elasticsearch score index (one request per question).</summary>
public sealed class ElasticsearchAudienceSource(AudienceQueries queries, ElasticsearchHistogram histogram, ElasticsearchCampaignSize sizing) : IAudienceSource
{
    public Task<AudiencePage> TopAudienceAsync(AudienceQuery query, CancellationToken ct) => queries.TopAudienceAsync(query, ct);

    public Task<MemberPropensities?> MemberPropensitiesAsync(long memberId, CancellationToken ct) => queries.MemberPropensitiesAsync(memberId, ct);

    public Task<CampaignSize> CampaignSizeAsync(AudienceQuery query, CancellationToken ct) => sizing.SizeAsync(query, ct);

    public Task<AudienceTotal> AudienceTotalAsync(int movieId, CancellationToken ct) => sizing.TotalAsync(movieId, ct);

    public Task<ScoreHistogram> HistogramAsync(int movieId, int bins, CancellationToken ct) => histogram.HistogramAsync(movieId, bins, ct);
}
