using System.Globalization;
using Elastic.Clients.Elasticsearch;
using Elastic.Clients.Elasticsearch.Core.Search;
using Elastic.Clients.Elasticsearch.QueryDsl;
using Insights.Contracts.Scores;

namespace Insights.Sinks.Elasticsearch;

/// <summary>The two questions users ask of the score index, each answered by one Elasticsearch request.</summary>
public sealed class AudienceQueries(ElasticsearchClient client, ElasticsearchSettings settings)
{
    public const int MaxTop = 10_000;

    /// <summary>
    /// The members most likely to see <paramref name="movieId"/>, best first: one rank_feature query on
    /// `audience.{movieId}` (members who saw it have no such feature, so they are not in the audience), with
    /// the demographic filters as non-scoring term filters. The linear function makes the query score the
    /// feature value itself; the returned scores are the exact ones from the document. The floor cuts the
    /// sorted page, which equals filtering first because both use the same score.
    /// </summary>
    public async Task<IReadOnlyList<AudienceMember>> TopAudienceAsync(AudienceQuery query, CancellationToken ct)
    {
        if (query.Top is < 1 or > MaxTop) throw new ArgumentOutOfRangeException(nameof(query), query.Top, $"top must be 1..{MaxTop}");
        var feature = $"audience.{query.MovieId.ToString(CultureInfo.InvariantCulture)}";
        var filters = new List<Query>();
        if (query.AgeBand is { } age) filters.Add(new TermQuery("age_band", age));
        if (query.Gender is { } gender) filters.Add(new TermQuery("gender", gender));
        var response = await client.SearchAsync<AudienceHit>(new SearchRequest(settings.Alias)
        {
            Query = new BoolQuery
            {
                Must = [new RankFeatureQuery(feature) { Linear = new RankFeatureFunctionLinear() }],
                Filter = filters,
            },
            Size = query.Top,
            Sort = [new SortOptions { Score = new ScoreSort { Order = SortOrder.Desc } }],
            Source = new SourceConfig(new SourceFilter { Includes = new[] { "member_id", "age_band", "gender", "audience." + query.MovieId } }),
            TrackTotalHits = new TrackHits(false),
        }, ct);
        ScoreIndex.EnsureValid(response, $"audience query for movie {query.MovieId}");
        var key = query.MovieId.ToString(CultureInfo.InvariantCulture);
        return response.Hits
            .Where(h => h.Source?.Audience is { } audience && audience.ContainsKey(key))
            .Select(h => new AudienceMember(h.Source!.MemberId, h.Source.Audience![key], h.Source.AgeBand, h.Source.Gender))
            // The index keeps rank features at ~0.4% precision; the exact scores decide the order returned.
            .OrderByDescending(m => m.Score).ThenBy(m => m.MemberId)
            .TakeWhile(m => query.MinScore is not { } floor || m.Score >= floor)
            .ToList();
    }

    /// <summary>A member's scores for every candidate movie, best first (seen movies say so): one get by id.</summary>
    public async Task<MemberPropensities?> MemberPropensitiesAsync(long memberId, CancellationToken ct)
    {
        var response = await client.GetAsync<MemberScoresDocument>(
            new GetRequest(settings.Alias, memberId.ToString(CultureInfo.InvariantCulture)), ct);
        if (response.ApiCallDetails.HttpStatusCode == 404 && response.ElasticsearchServerError is null) return null;
        if (!response.Found && response.ApiCallDetails.HttpStatusCode == 404) return null;
        ScoreIndex.EnsureValid(response, $"reading member {memberId}");
        var doc = response.Source!;
        if (doc.IsDeletionMarker) return null; // the member was deleted (see MemberScoresDocument.Deleted)
        return new MemberPropensities(doc.MemberId, doc.Version, doc.ModelVersion, doc.ComputedAtMs, doc.Movies);
    }
}

/// <summary>The audience question: top N members for a movie, optionally above a score and within demographics.</summary>
public sealed record AudienceQuery(int MovieId, int Top, double? MinScore = null, string? AgeBand = null, string? Gender = null);

/// <summary>The part of a member document an audience query fetches (`_source` filtered to one feature).</summary>
public sealed record AudienceHit(long MemberId, string? AgeBand, string? Gender, Dictionary<string, float>? Audience);

/// <summary>One member of an audience; the score is the stored rank feature (single precision).</summary>
public sealed record AudienceMember(long MemberId, double Score, string? AgeBand, string? Gender);

/// <summary>A member's propensity for every candidate movie, highest first.</summary>
public sealed record MemberPropensities(long MemberId, long Version, string ModelVersion, long ComputedAtMs, IReadOnlyList<MovieScore> Movies);
