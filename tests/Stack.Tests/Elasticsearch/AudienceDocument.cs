using Elastic.Clients.Elasticsearch;
using Elastic.Clients.Elasticsearch.Core.Bulk;
using Elastic.Clients.Elasticsearch.IndexManagement;
using Elastic.Clients.Elasticsearch.Mapping;

namespace Insights.Stack.Tests.Elasticsearch;

/// <summary>A member-and-movie score document shaped like the audience queries' (ids only, no personal data).</summary>
public sealed record AudienceDocument(string MemberId, string MovieId, double Score, string Gender, int Age);

/// <summary>Creates a test index with the audience mappings behind an alias, and seeds it.</summary>
public static class AudienceIndex
{
    public static CreateIndexRequest Request(string index, string alias) => new(index)
    {
        Mappings = new TypeMapping
        {
            Properties = new Properties
            {
                { "memberId", new KeywordProperty() },
                { "movieId", new KeywordProperty() },
                { "score", new DoubleNumberProperty() },
                { "gender", new KeywordProperty() },
                { "age", new IntegerNumberProperty() },
            },
        },
        // No periodic refresh, so a real node shows documents exactly when the test refreshes, as the fake does.
        Settings = new IndexSettings { RefreshInterval = Duration.MinusOne },
        Aliases = new Dictionary<Name, Alias> { [alias] = new Alias { IsWriteIndex = true } },
    };

    public static async Task<string> CreateAsync(ElasticsearchClient client, string prefix, CancellationToken ct)
    {
        var index = Fixtures.Elasticsearch.ElasticsearchServer.UniqueName(prefix);
        var created = await client.Indices.CreateAsync(Request(index + "-v1", index), ct);
        Assert.True(created.IsValidResponse, created.DebugInformation);
        return index;
    }

    public static async Task SeedAsync(ElasticsearchClient client, string alias, IEnumerable<AudienceDocument> documents, CancellationToken ct)
    {
        var response = await client.BulkAsync(new BulkRequest(alias)
        {
            Operations = documents.Select(d => (IBulkOperation)new BulkIndexOperation<AudienceDocument>(d) { Id = Id(d) }).ToList(),
            Refresh = Refresh.True,
        }, ct);
        Assert.True(response.IsValidResponse && !response.Errors, response.DebugInformation);
    }

    public static string Id(AudienceDocument d) => $"{d.MemberId}:{d.MovieId}";
}
