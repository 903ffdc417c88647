using Elastic.Clients.Elasticsearch;
using Elastic.Clients.Elasticsearch.Aggregations;
using Elastic.Clients.Elasticsearch.QueryDsl;

namespace Insights.Api;

/// <summary>
/// How the API aggregates one movie's audience scores in the score index: a `nested` aggregation over the members'
/// `audience_scores` (one object per unseen movie, exact score), a `filter` to the movie, and the caller's
/// aggregations inside; scores binned by explicit ranges on the log scale of <see cref="ScoreBins"/>.
/// </summary>
internal static class MovieScoreAggregation
{
    public const string Score = "audience_scores.score";
    private const string Path = "audience_scores", Nested = "audience", Movie = "movie";

    /// <summary>The request's aggregations: <paramref name="inner"/> over the scores of the movie that pass <paramref name="scoreFilters"/>.</summary>
    public static Dictionary<string, Aggregation> Over(int movieId, IEnumerable<Query> scoreFilters, Dictionary<string, Aggregation> inner) => new()
    {
        [Nested] = new()
        {
            Nested = new NestedAggregation { Path = Path },
            Aggregations = new Dictionary<string, Aggregation>
            {
                [Movie] = new() { Filter = new BoolQuery { Filter = [new TermQuery($"{Path}.movie_id", movieId), .. scoreFilters] }, Aggregations = inner },
            },
        },
    };

    /// <summary>The movie's filter bucket of a response to <see cref="Over"/>; null when Elasticsearch left it out.</summary>
    public static FilterAggregate? Of(SearchResponse<object> response) =>
        response.Aggregations?.GetNested(Nested)?.Aggregations?.GetFilter(Movie);

    /// <summary>One range per bin between the edges (from inclusive, to exclusive; the last open, so a score of 1 is in it).</summary>
    public static RangeAggregation Bins(double[] edges) => new()
    {
        Field = Score,
        Ranges = [.. Enumerable.Range(0, edges.Length - 1).Select(i => new AggregationRange { From = edges[i], To = i == edges.Length - 2 ? null : edges[i + 1] })],
    };
}
