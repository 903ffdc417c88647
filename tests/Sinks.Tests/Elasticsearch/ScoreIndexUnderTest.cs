using Elastic.Clients.Elasticsearch;
using Insights.Fixtures.Elasticsearch;
using Insights.Sinks.Elasticsearch;

namespace Insights.Sinks.Tests.Elasticsearch;

/// <summary>A fresh score index (own alias) on the shared server, with the sink's own client, writer and queries.</summary>
public sealed class ScoreIndexUnderTest
{
    public required ElasticsearchSettings Settings { get; init; }
    public required ElasticsearchClient Client { get; init; }
    public required ScoreIndexWriter Writer { get; init; }
    public required AudienceQueries Queries { get; init; }

    public static Task<ScoreIndexUnderTest> CreateAsync(ElasticsearchServer server, int bulkMaxDocuments = 500) =>
        CreateAsync(server.BaseUri, bulkMaxDocuments);

    public static async Task<ScoreIndexUnderTest> CreateAsync(Uri server, int bulkMaxDocuments = 500)
    {
        var settings = new ElasticsearchSettings
        {
            Url = server.ToString(),
            Alias = ElasticsearchServer.UniqueName("scores"),
            BulkMaxDocuments = bulkMaxDocuments,
            // Short delays keep fault tests fast; the policy (exponential, jitter, no limit) is the production one.
            RetryBaseDelayMs = 5,
            RetryMaxDelayMs = 200,
        };
        var client = settings.CreateClient();
        await new ScoreIndex(client, settings).EnsureAsync(TestContext.Current.CancellationToken);
        return new ScoreIndexUnderTest
        {
            Settings = settings,
            Client = client,
            Writer = new ScoreIndexWriter(client, settings),
            Queries = new AudienceQueries(client, settings),
        };
    }

    /// <summary>Documents of members not deleted (a tombstone leaves a deletion marker, `deleted: true`).</summary>
    public async Task<long> LiveMembersAsync()
    {
        await RefreshAsync();
        var count = await Client.CountAsync<MemberScoresDocument>(c => c.Indices(Settings.Alias)
            .Query(q => q.Bool(b => b.MustNot(n => n.Term(t => t.Field("deleted").Value(true))))), TestContext.Current.CancellationToken);
        Assert.True(count.IsValidResponse, count.DebugInformation);
        return count.Count;
    }

    /// <summary>Makes written documents searchable now (Elasticsearch does it every second on its own).</summary>
    public async Task RefreshAsync()
    {
        var response = await Client.Indices.RefreshAsync(Settings.Alias, TestContext.Current.CancellationToken);
        Assert.True(response.IsValidResponse, response.DebugInformation);
    }
}
