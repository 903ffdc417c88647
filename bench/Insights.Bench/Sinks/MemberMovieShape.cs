using System.Globalization;
using System.Text.Json;
using Elastic.Clients.Elasticsearch;
using Elastic.Clients.Elasticsearch.Core.Bulk;
using Elastic.Clients.Elasticsearch.IndexManagement;
using Elastic.Clients.Elasticsearch.Mapping;
using Elastic.Clients.Elasticsearch.QueryDsl;
using Elastic.Clients.Elasticsearch.Serialization;
using Elastic.Transport;
using Insights.Contracts.Scores;

namespace Insights.Bench.Sinks;

/// <summary>
/// The shape measured against the chosen one and not used by the sink: one document per member and movie
/// (id `member:movie`), answering the audience question with term + range filters sorted by score and a
/// member's movies with a term query sorted by score. Kept here, beside the measurement, not in src.
/// </summary>
public sealed class MemberMovieShape(Uri uri, string index)
{
    public sealed record Document(long MemberId, int MovieId, double Score, bool Seen, string? AgeBand, string? Gender, long Version);

    public ElasticsearchClient Client { get; } = new(new ElasticsearchClientSettings(new SingleNodePool(uri),
        (_, s) => new DefaultSourceSerializer(s, o => o.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower)).EnableHttpCompression());

    public async Task CreateAsync()
    {
        var created = await Client.Indices.CreateAsync(new CreateIndexRequest(index)
        {
            Mappings = new TypeMapping
            {
                Properties = new Properties
                {
                    { "member_id", new LongNumberProperty() }, { "movie_id", new IntegerNumberProperty() },
                    { "score", new DoubleNumberProperty() }, { "seen", new BooleanProperty() },
                    { "age_band", new KeywordProperty() }, { "gender", new KeywordProperty() }, { "version", new LongNumberProperty() },
                },
            },
        });
        if (!created.IsValidResponse) throw new InvalidOperationException(created.DebugInformation);
    }

    public static IEnumerable<Document> Documents(ScoreUpdate u) => u.Scores.Select(s =>
        new Document(u.MemberId, s.MovieId, s.Score, s.Seen, u.Demographics?.AgeBand, u.Demographics?.Gender, u.Version));

    /// <summary>Every movie of every update as its own versioned document; returns the documents written.</summary>
    public async Task<int> WriteAsync(IReadOnlyList<ScoreUpdate> updates)
    {
        var written = 0;
        foreach (var chunk in updates.SelectMany(Documents).Chunk(5_000))
        {
            var request = new BulkRequest(index) { Operations = new BulkOperationsCollection() };
            foreach (var d in chunk)
                request.Operations.Add(new BulkIndexOperation<Document>(d)
                {
                    Id = $"{d.MemberId.ToString(CultureInfo.InvariantCulture)}:{d.MovieId.ToString(CultureInfo.InvariantCulture)}",
                    Version = d.Version, VersionType = VersionType.External,
                });
            var response = await Client.BulkAsync(request);
            if (response.ApiCallDetails.HttpStatusCode != 200 || response.Errors) throw new InvalidOperationException(response.DebugInformation);
            written += chunk.Length;
        }
        return written;
    }

    public async Task<int> AudienceAsync(int movieId, int top, double minScore, string? gender)
    {
        var filters = new List<Query> { new TermQuery("movie_id", movieId), new TermQuery("seen", false), new NumberRangeQuery("score") { Gte = minScore } };
        if (gender is not null) filters.Add(new TermQuery("gender", gender));
        var response = await Client.SearchAsync<Document>(new SearchRequest(index)
        {
            Query = new BoolQuery { Filter = filters },
            Sort = [new SortOptions { Field = new FieldSort("score") { Order = SortOrder.Desc } }],
            Size = top,
        });
        if (!response.IsValidResponse) throw new InvalidOperationException(response.DebugInformation);
        return response.Hits.Count;
    }

    public async Task<int> MemberMoviesAsync(long memberId, int movies)
    {
        var response = await Client.SearchAsync<Document>(new SearchRequest(index)
        {
            Query = new TermQuery("member_id", memberId),
            Sort = [new SortOptions { Field = new FieldSort("score") { Order = SortOrder.Desc } }],
            Size = movies,
        });
        if (!response.IsValidResponse) throw new InvalidOperationException(response.DebugInformation);
        return response.Hits.Count;
    }
}
