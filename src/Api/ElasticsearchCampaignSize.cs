using Elastic.Clients.Elasticsearch;
using Elastic.Clients.Elasticsearch.Aggregations;
using Elastic.Clients.Elasticsearch.Core.Search;
using Elastic.Clients.Elasticsearch.QueryDsl;
using Insights.Sinks.Elasticsearch;

namespace Insights.Api;

/// <summary>
/// Campaign sizing from the score index. The segment (the best N of the filtered audience, with their demographics) is
/// read through the ranked audience query, page by page; the whole audience is counted and summed by aggregations in
/// one request: the members that pass the filters, a `nested` aggregation over their `audience_scores`, a `filter` to
/// the movie (and the score floor), the `sum` of the scores, and a `range` over log-spaced score bins with the `sum` of
/// each bin, from which the curve is accumulated best bin first. Sizes and sums are exact; the curve's points sit at
/// bin edges rather than at evenly spaced sizes.
/// </summary>
public sealed class ElasticsearchCampaignSize(ElasticsearchClient client, ElasticsearchSettings settings, AudienceQueries queries)
{
    /// <summary>The largest segment read member by member (ten pages of the ranked query).</summary>
    public const int MaxSegment = 10 * AudienceQueries.MaxTop;

    private const int CurveBins = 40;

    public async Task<CampaignSize> SizeAsync(AudienceQuery query, CancellationToken ct)
    {
        if (query.Top > MaxSegment)
            throw new NotSupportedException($"the Elasticsearch source sizes segments of up to {MaxSegment:N0} members, asked for {query.Top:N0}");
        var segment = await SegmentAsync(query, ct);
        var (members, total, curve) = await AudienceAsync(query, withCurve: true, ct);
        return CampaignSize.Of(query.MovieId, segment, members, total, curve);
    }

    /// <summary>The movie's whole audience counted and summed: the same aggregation without the segment and the curve's bins.</summary>
    public async Task<AudienceTotal> TotalAsync(int movieId, CancellationToken ct)
    {
        var (members, total, _) = await AudienceAsync(new AudienceQuery(movieId, 1), withCurve: false, ct);
        return new AudienceTotal(members, total);
    }

    private async Task<List<(double Score, string? AgeBand, string? Gender)>> SegmentAsync(AudienceQuery query, CancellationToken ct)
    {
        var segment = new List<(double Score, string? AgeBand, string? Gender)>();
        string? after = null;
        while (segment.Count < query.Top)
        {
            var page = await queries.TopAudienceAsync(query with { Top = Math.Min(AudienceQueries.MaxTop, query.Top - segment.Count), After = after }, ct);
            segment.AddRange(page.Members.Select(m => (m.Score, m.AgeBand, m.Gender)));
            if (page.Next is not { } next) break;
            after = next;
        }
        return segment;
    }

    private async Task<(int Members, double Total, List<(int Members, double ExpectedAttendance)> Curve)> AudienceAsync(AudienceQuery query, bool withCurve,
        CancellationToken ct)
    {
        var aggregations = new Dictionary<string, Aggregation> { ["total"] = new() { Sum = new SumAggregation { Field = MovieScoreAggregation.Score } } };
        if (withCurve)
            aggregations["bins"] = new()
            {
                Range = MovieScoreAggregation.Bins(ScoreBins.Edges(CurveBins)),
                Aggregations = new Dictionary<string, Aggregation> { ["expected"] = new() { Sum = new SumAggregation { Field = MovieScoreAggregation.Score } } },
            };
        List<Query> members = [new RankFeatureQuery(AudienceQueries.Feature(query.MovieId)), .. AudienceQueries.DemographicFilters(query)];
        Query[] floor = query.MinScore is { } min ? [new NumberRangeQuery(MovieScoreAggregation.Score) { Gte = min }] : [];
        var response = await client.SearchAsync<object>(new SearchRequest(settings.Alias)
        {
            Query = new BoolQuery { Filter = members },
            Size = 0,
            TrackTotalHits = new TrackHits(false),
            Aggregations = MovieScoreAggregation.Over(query.MovieId, floor, aggregations),
        }, ct);
        ScoreIndex.EnsureValid(response, $"campaign size for movie {query.MovieId}");
        var filtered = MovieScoreAggregation.Of(response)
            ?? throw new ElasticsearchRequestException($"Elasticsearch: campaign size for movie {query.MovieId} came back without its aggregations");
        var total = filtered.Aggregations?.GetSum("total")?.Value ?? 0;
        var curve = new List<(int Members, double ExpectedAttendance)>();
        if (!withCurve) return (checked((int)filtered.DocCount), total, curve);
        var buckets = filtered.Aggregations?.GetRange("bins")?.Buckets
            ?? throw new ElasticsearchRequestException($"Elasticsearch: campaign size for movie {query.MovieId} came back without its range buckets");
        // Best bin first: each non-empty bin adds its members and their expected attendance to the curve.
        var (count, expected) = (0, 0.0);
        foreach (var bucket in buckets.OrderByDescending(b => b.From ?? double.NegativeInfinity).Where(b => b.DocCount > 0))
        {
            count += checked((int)bucket.DocCount);
            expected += bucket.Aggregations?.GetSum("expected")?.Value ?? 0;
            curve.Add((count, expected));
        }
        return (checked((int)filtered.DocCount), total, curve);
    }
}
