using System.Globalization;
using Elastic.Clients.Elasticsearch;
using Elastic.Clients.Elasticsearch.Core.Search;
using Elastic.Clients.Elasticsearch.QueryDsl;
using Insights.Contracts.Scores;

namespace Insights.Sinks.Elasticsearch;

/// <summary>The two questions users ask of the score index, each answered by one Elasticsearch request.</summary>
public sealed class AudienceQueries(ElasticsearchClient client, ElasticsearchSettings settings)
{
    /// <summary>Members per page; larger audiences are read page by page with <see cref="AudienceQuery.After"/>.</summary>
    public const int MaxTop = 1_000;

    /// <summary>
    /// The members most likely to see <paramref name="movieId"/>, best first: one rank_feature query on
    /// `audience.{movieId}` (members who saw it have no such feature, so they are not in the audience), with
    /// the demographic filters as non-scoring term filters. The linear function makes the query score the
    /// feature value itself; the returned scores are the exact ones from the document. The floor cuts the
    /// sorted page, which equals filtering first because both use the same score.
    /// </summary>
    public async Task<AudiencePage> TopAudienceAsync(AudienceQuery query, CancellationToken ct)
    {
        if (query.Top is < 1 or > MaxTop) throw new ArgumentOutOfRangeException(nameof(query), query.Top, $"top must be 1..{MaxTop}");
        var feature = Feature(query.MovieId);
        var response = await client.SearchAsync<AudienceHit>(new SearchRequest(settings.Alias)
        {
            Query = new BoolQuery
            {
                Must = [new RankFeatureQuery(feature) { Linear = new RankFeatureFunctionLinear() }],
                Filter = DemographicFilters(query),
            },
            // One more than the page, to know whether another page follows.
            Size = query.Top + 1,
            // The member id breaks ties, so search_after resumes exactly behind the page's last member.
            Sort =
            [
                new SortOptions { Score = new ScoreSort { Order = SortOrder.Desc } },
                new SortOptions { Field = new FieldSort("member_id") { Order = SortOrder.Asc } },
            ],
            SearchAfter = query.After is { } after && AudienceCursor.Read(after) is var (score, member) ? [FieldValue.Double(score), FieldValue.Long(member)] : null,
            Source = new SourceConfig(new SourceFilter { Includes = new[] { "member_id", "age_band", "gender", feature } }),
            TrackTotalHits = new TrackHits(false),
        }, ct);
        ScoreIndex.EnsureValid(response, $"audience query for movie {query.MovieId}");
        var key = query.MovieId.ToString(CultureInfo.InvariantCulture);
        var hits = response.Hits.Take(query.Top).ToList();
        var members = hits
            .Where(h => h.Source?.Audience is { } audience && audience.ContainsKey(key))
            .Select(h => new AudienceMember(h.Source!.MemberId, h.Source.Audience![key], h.Source.AgeBand, h.Source.Gender))
            // The index keeps rank features at ~0.4% precision; the exact scores decide the order returned.
            .OrderByDescending(m => m.Score).ThenBy(m => m.MemberId)
            .ToList();
        var above = members.TakeWhile(m => query.MinScore is not { } floor || m.Score >= floor).ToList();
        // Pages follow the index's order (its scores, then member ids): the next one starts behind this page's last hit.
        var more = response.Hits.Count > query.Top && above.Count == members.Count;
        return new AudiencePage(above, more ? AudienceCursor.After(Number(hits[^1].Sort!.First()), (long)Number(hits[^1].Sort!.Last())) : null);
    }

    /// <summary>The rank feature holding each member's score for the movie: only members who have not seen it have one.</summary>
    public static string Feature(int movieId) => $"audience.{movieId.ToString(CultureInfo.InvariantCulture)}";

    /// <summary>The query's demographic filters (age band, gender) as non-scoring term filters on the member document.</summary>
    public static List<Query> DemographicFilters(AudienceQuery query)
    {
        var filters = new List<Query>();
        if (query.AgeBand is { } age) filters.Add(new TermQuery("age_band", age));
        if (query.Gender is { } gender) filters.Add(new TermQuery("gender", gender));
        return filters;
    }

    private static double Number(FieldValue value) => value.TryGetDouble(out var d) ? d!.Value
        : value.TryGetLong(out var l) ? l!.Value
        : throw new InvalidDataException($"Elasticsearch returned a sort value that is not a number: {value}");

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

/// <summary>
/// The audience question: top N members for a movie, optionally above a score and within demographics; with
/// <see cref="After"/>, the N members after an earlier page (its <see cref="AudiencePage.Next"/>).
/// </summary>
public sealed record AudienceQuery(int MovieId, int Top, double? MinScore = null, string? AgeBand = null, string? Gender = null, string? After = null);

/// <summary>One page of an audience, best first; <see cref="Next"/> reads the following page, null after the last.</summary>
public sealed record AudiencePage(IReadOnlyList<AudienceMember> Members, string? Next);

/// <summary>The part of a member document an audience query fetches (`_source` filtered to one feature).</summary>
public sealed record AudienceHit(long MemberId, string? AgeBand, string? Gender, Dictionary<string, float>? Audience);

/// <summary>One member of an audience; the score is the stored rank feature (single precision).</summary>
public sealed record AudienceMember(long MemberId, double Score, string? AgeBand, string? Gender);

/// <summary>A member's propensity for every candidate movie, highest first.</summary>
public sealed record MemberPropensities(long MemberId, long Version, string ModelVersion, long ComputedAtMs, IReadOnlyList<MovieScore> Movies);
