using Elastic.Clients.Elasticsearch;
using Elastic.Clients.Elasticsearch.Aggregations;
using Elastic.Clients.Elasticsearch.Core.Search;
using Elastic.Clients.Elasticsearch.QueryDsl;
using Insights.Sinks.Elasticsearch;

namespace Insights.Api;

/// <summary>
/// The score histogram from the score index in one request: the movie's audience (members with its rank feature),
/// then a `nested` aggregation over their `audience_scores`, a `filter` to the movie, and a `range` aggregation
/// with the log-scale edges of <see cref="ScoreBins"/> as explicit ranges (from inclusive, to exclusive; the last
/// open, so a score of 1 is in it). No hits are fetched; each member has one score per movie, so one count.
/// </summary>
public sealed class ElasticsearchHistogram(ElasticsearchClient client, ElasticsearchSettings settings)
{
    public async Task<ScoreHistogram> HistogramAsync(int movieId, int bins, CancellationToken ct)
    {
        var edges = ScoreBins.Edges(bins);
        var response = await client.SearchAsync<object>(new SearchRequest(settings.Alias)
        {
            Query = new BoolQuery { Filter = [new RankFeatureQuery(AudienceQueries.Feature(movieId))] },
            Size = 0,
            TrackTotalHits = new TrackHits(false),
            Aggregations = MovieScoreAggregation.Over(movieId, [], new Dictionary<string, Aggregation> { ["bins"] = new() { Range = MovieScoreAggregation.Bins(edges) } }),
        }, ct);
        ScoreIndex.EnsureValid(response, $"score histogram for movie {movieId}");
        var buckets = MovieScoreAggregation.Of(response)?.Aggregations?.GetRange("bins")?.Buckets
            ?? throw new ElasticsearchRequestException($"Elasticsearch: score histogram for movie {movieId} came back without its range buckets");
        if (buckets.Count != bins)
            throw new ElasticsearchRequestException($"Elasticsearch: score histogram for movie {movieId} came back with {buckets.Count} buckets, asked for {bins}");
        return ScoreHistogram.Counted(movieId, edges, buckets.Select(b => checked((int)b.DocCount)).ToList());
    }
}
