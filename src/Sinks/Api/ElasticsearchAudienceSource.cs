using Insights.Sinks.Elasticsearch;

namespace Insights.Sinks.Api;

/// <summary>The audience source over the Elasticsearch score index (one request per question).</summary>
public sealed class ElasticsearchAudienceSource(AudienceQueries queries) : IAudienceSource
{
    public Task<AudiencePage> TopAudienceAsync(AudienceQuery query, CancellationToken ct) => queries.TopAudienceAsync(query, ct);

    public Task<MemberPropensities?> MemberPropensitiesAsync(long memberId, CancellationToken ct) => queries.MemberPropensitiesAsync(memberId, ct);

    // Audience scores live in a rank_features field, which no aggregation can read (rank features are not
    // doc values), so Elasticsearch cannot bin them without a second, aggregatable copy of every score.
    // Sizing sums every member's score for the movie: the same rank-features limit as the histogram.
    public Task<CampaignSize> CampaignSizeAsync(AudienceQuery query, CancellationToken ct) =>
        throw new NotSupportedException($"campaign sizing needs {ApiSettings.Section}:Source={ApiSettings.ScoresTopicSource}: " +
            "the Elasticsearch index keeps audience scores as rank features, which cannot be summed");

    public Task<ScoreHistogram> HistogramAsync(int movieId, int bins, CancellationToken ct) =>
        throw new NotSupportedException($"the score histogram needs {ApiSettings.Section}:Source={ApiSettings.ScoresTopicSource}: " +
            "the Elasticsearch index keeps audience scores as rank features, which cannot be aggregated");
}
