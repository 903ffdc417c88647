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
        Assert.Equal([$"{settings.Alias}-v3"], alias.Aliases!.Keys);
        var created = await client.Indices.GetAsync(new GetIndexRequest(settings.IndexName), Ct);
        Assert.True(created.IsValidResponse, created.DebugInformation);
        var properties = created.Indices[settings.IndexName].Mappings!.Properties!;
        Assert.Equal("rank_features", properties["audience"].Type);
        Assert.Equal("keyword", properties["age_band"].Type);
    }

    [Fact]
    public async Task Ensuring_an_index_made_before_the_deleted_field_existed_adds_the_field()
    {
        var settings = new ElasticsearchSettings { Url = server.BaseUri.ToString(), Alias = ElasticsearchServer.UniqueName("scores") };
        var client = settings.CreateClient();
        // The mapping as it was before deletion markers: every field but `deleted`.
        var older = new Elastic.Clients.Elasticsearch.Mapping.TypeMapping
        {
            Dynamic = Elastic.Clients.Elasticsearch.Mapping.DynamicMapping.Strict,
            Properties = new Elastic.Clients.Elasticsearch.Mapping.Properties(
                ScoreIndex.Mapping().Properties!.Where(p => p.Key.Name != "deleted").ToDictionary(p => p.Key, p => p.Value)),
        };
        var made = await client.Indices.CreateAsync(new CreateIndexRequest(settings.IndexName)
        {
            Mappings = older,
            Aliases = new Dictionary<Elastic.Clients.Elasticsearch.Name, Alias> { [settings.Alias] = new Alias { IsWriteIndex = true } },
        }, Ct);
        Assert.True(made.IsValidResponse, made.DebugInformation);

        await new ScoreIndex(client, settings).EnsureAsync(Ct);

        var index = await client.Indices.GetAsync(new GetIndexRequest(settings.IndexName), Ct);
        Assert.True(index.IsValidResponse, index.DebugInformation);
        Assert.Equal("boolean", index.Indices[settings.IndexName].Mappings!.Properties!["deleted"].Type);
    }

    [Fact]
    public async Task Ensuring_an_index_where_a_field_has_another_type_fails_naming_the_field()
    {
        var settings = new ElasticsearchSettings { Url = server.BaseUri.ToString(), Alias = ElasticsearchServer.UniqueName("scores") };
        var client = settings.CreateClient();
        var made = await client.Indices.CreateAsync(new CreateIndexRequest(settings.IndexName)
        {
            Mappings = new Elastic.Clients.Elasticsearch.Mapping.TypeMapping
            {
                Properties = new Elastic.Clients.Elasticsearch.Mapping.Properties { { "deleted", new Elastic.Clients.Elasticsearch.Mapping.KeywordProperty() } },
            },
        }, Ct);
        Assert.True(made.IsValidResponse, made.DebugInformation);

        var error = await Assert.ThrowsAsync<ElasticsearchRequestException>(() => new ScoreIndex(client, settings).EnsureAsync(Ct));

        Assert.Contains("mapper [deleted] cannot be changed from type [keyword] to [boolean]", error.Message);
    }
}
