using Elastic.Clients.Elasticsearch.IndexManagement;
using Insights.Fixtures.Elasticsearch;
using Insights.Sinks.Elasticsearch;

namespace Insights.Sinks.Tests.Elasticsearch;

public sealed class ScoreIndexTests(ElasticsearchServer server) : IClassFixture<ElasticsearchServer>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Ensuring_creates_the_versioned_index_behind_the_alias_with_the_template_mapping_and_is_repeatable()
    {
        var settings = new ElasticsearchSettings { Url = server.BaseUri.ToString(), Alias = ElasticsearchServer.UniqueName("scores"), IndexVersion = 3 };
        var client = settings.CreateClient();
        var index = new ScoreIndex(client, settings);

        await index.EnsureAsync(Ct);
        await index.EnsureAsync(Ct);

        var alias = await client.Indices.GetAliasAsync(new GetAliasRequest { Name = settings.Alias }, Ct);
        Assert.True(alias.IsValidResponse, alias.DebugInformation);
        Assert.Equal([$"{settings.Alias}-v3"], alias.Aliases.Keys);
        var created = await client.Indices.GetAsync(new GetIndexRequest(settings.IndexName), Ct);
        Assert.True(created.IsValidResponse, created.DebugInformation);
        var properties = created.Indices[settings.IndexName].Mappings!.Properties!;
        Assert.Equal("rank_features", properties["audience"].Type);
        Assert.Equal("keyword", properties["age_band"].Type);
    }
}
