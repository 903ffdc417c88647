using Elastic.Clients.Elasticsearch;
using Elastic.Clients.Elasticsearch.Core.Bulk;
using Elastic.Clients.Elasticsearch.IndexManagement;
using Elastic.Clients.Elasticsearch.Mapping;
using Elastic.Transport.Products.Elasticsearch;
using Insights.Fixtures.Elasticsearch;

namespace Insights.Stack.Tests.Elasticsearch;

public sealed class IndexManagementTests(ElasticsearchServer server) : IClassFixture<ElasticsearchServer>
{
    private readonly ElasticsearchClient client = server.Client;

    [Fact]
    public async Task Creates_an_index_with_mappings_behind_a_write_alias_that_writes_and_reads_resolve()
    {
        var ct = TestContext.Current.CancellationToken;
        var alias = await AudienceIndex.CreateAsync(client, "create", ct);

        var state = await client.Indices.GetAsync(new GetIndexRequest(alias), ct);
        Assert.True(state.IsValidResponse, state.DebugInformation);
        var (concrete, index) = Assert.Single(state.Indices);
        Assert.Equal(alias + "-v1", concrete.ToString());
        Assert.True(index.Mappings!.Properties!.TryGetProperty("score", out DoubleNumberProperty? _));
        Assert.True(index.Mappings.Properties.TryGetProperty("memberId", out KeywordProperty? _));
        Assert.True(index.Aliases![alias].IsWriteIndex);

        var write = await client.BulkAsync(new BulkRequest(alias)
        {
            Operations = [new BulkIndexOperation<AudienceDocument>(new("m1", "f1", 0.5, "F", 30)) { Id = "m1:f1" }],
        }, ct);
        Assert.True(write.IsValidResponse && !write.Errors, write.DebugInformation);
        Assert.Equal(alias + "-v1", Assert.Single(write.Items).Index);

        var read = await client.GetAsync<AudienceDocument>(alias, "m1:f1", ct);
        Assert.True(read.Found, read.DebugInformation);
        Assert.Equal(0.5, read.Source!.Score);
    }

    [Fact]
    public async Task Moves_an_alias_between_indices_in_one_atomic_update()
    {
        var ct = TestContext.Current.CancellationToken;
        var alias = await AudienceIndex.CreateAsync(client, "swap", ct);
        var next = alias + "-v2";
        Assert.True((await client.Indices.CreateAsync(next, ct)).IsValidResponse);

        var swapped = await client.Indices.UpdateAliasesAsync(new UpdateAliasesRequest
        {
            Actions =
            [
                new IndexUpdateAliasesAction { Remove = new RemoveAction { Index = alias + "-v1", Alias = alias } },
                new IndexUpdateAliasesAction { Add = new AddAction { Index = next, Alias = alias, IsWriteIndex = true } },
            ],
        }, ct);
        Assert.True(swapped.IsValidResponse, swapped.DebugInformation);
        Assert.Equal([next], await IndicesOfAsync(alias, ct));

        // The second action fails (no such alias to remove), so the first must not apply either.
        var failed = await client.Indices.UpdateAliasesAsync(new UpdateAliasesRequest
        {
            Actions =
            [
                new IndexUpdateAliasesAction { Add = new AddAction { Index = alias + "-v1", Alias = alias + "-other" } },
                new IndexUpdateAliasesAction { Remove = new RemoveAction { Index = next, Alias = alias + "-missing" } },
            ],
        }, ct);
        Assert.False(failed.IsValidResponse);
        Assert.Equal(404, failed.ApiCallDetails.HttpStatusCode);
        Assert.False((await client.Indices.ExistsAliasAsync(new ExistsAliasRequest(alias + "-other"), ct)).Exists);
    }

    [Fact]
    public async Task Applies_a_matching_index_template_to_a_new_index()
    {
        var ct = TestContext.Current.CancellationToken;
        var prefix = ElasticsearchServer.UniqueName("tpl");
        var template = await client.Indices.PutIndexTemplateAsync(new PutIndexTemplateRequest(prefix)
        {
            IndexPatterns = new[] { prefix + "-*" },
            Priority = 500,
            Template = new IndexTemplateMapping
            {
                Mappings = new TypeMapping { Properties = new Properties { { "score", new DoubleNumberProperty() } } },
                Aliases = new Dictionary<IndexName, Alias> { [prefix] = new Alias() },
            },
        }, ct);
        Assert.True(template.IsValidResponse, template.DebugInformation);

        Assert.True((await client.Indices.CreateAsync(prefix + "-v1", ct)).IsValidResponse);

        var state = await client.Indices.GetAsync(new GetIndexRequest(prefix + "-v1"), ct);
        var index = Assert.Single(state.Indices).Value;
        Assert.True(index.Mappings!.Properties!.TryGetProperty("score", out DoubleNumberProperty? _));
        Assert.Contains(prefix, index.Aliases!.Keys.Select(k => k.ToString()));
        Assert.Equal([prefix + "-v1"], await IndicesOfAsync(prefix, ct));
    }

    [Fact]
    public async Task Refuses_to_create_an_index_that_exists()
    {
        var ct = TestContext.Current.CancellationToken;
        var alias = await AudienceIndex.CreateAsync(client, "twice", ct);

        var again = await client.Indices.CreateAsync(alias + "-v1", ct);

        Assert.False(again.IsValidResponse);
        Assert.Equal(400, again.ApiCallDetails.HttpStatusCode);
        Assert.Equal("resource_already_exists_exception", again.ElasticsearchServerError?.Error?.Type);
    }

    [Fact]
    public async Task Reports_reads_of_a_missing_index_as_index_not_found()
    {
        var ct = TestContext.Current.CancellationToken;
        var missing = ElasticsearchServer.UniqueName("missing");

        var get = await client.GetAsync<AudienceDocument>(missing, "x", ct);
        var search = await client.SearchAsync<AudienceDocument>(new SearchRequest(missing), ct);

        foreach (ElasticsearchResponse response in new ElasticsearchResponse[] { get, search })
        {
            Assert.False(response.IsValidResponse);
            Assert.Equal(404, response.ApiCallDetails.HttpStatusCode);
            Assert.Equal("index_not_found_exception", response.ElasticsearchServerError?.Error?.Type);
        }
        Assert.False((await client.Indices.ExistsAsync(missing, ct)).Exists);
    }

    [Fact]
    public async Task Deletes_an_index()
    {
        var ct = TestContext.Current.CancellationToken;
        var alias = await AudienceIndex.CreateAsync(client, "drop", ct);

        var deleted = await client.Indices.DeleteAsync(alias + "-v1", ct);

        Assert.True(deleted.IsValidResponse, deleted.DebugInformation);
        Assert.False((await client.Indices.ExistsAsync(alias + "-v1", ct)).Exists);
        Assert.False((await client.Indices.ExistsAsync(alias, ct)).Exists);
    }

    [Fact]
    public async Task A_write_through_an_alias_over_two_indices_without_a_write_index_fails_the_item()
    {
        var ct = TestContext.Current.CancellationToken;
        var alias = ElasticsearchServer.UniqueName("ambiguous");
        foreach (var suffix in new[] { "-a", "-b" })
        {
            var created = await client.Indices.CreateAsync(new CreateIndexRequest(alias + suffix)
            {
                Aliases = new Dictionary<Name, Alias> { [alias] = new Alias() },
            }, ct);
            Assert.True(created.IsValidResponse, created.DebugInformation);
        }

        var write = await client.BulkAsync(new BulkRequest(alias)
        {
            Operations = [new BulkIndexOperation<AudienceDocument>(new("m1", "f1", 0.5, "F", 30)) { Id = "m1:f1" }],
        }, ct);

        var item = Assert.Single(write.Items);
        Assert.Equal(400, item.Status);
        Assert.Equal("illegal_argument_exception", item.Error!.Type);
        Assert.Contains("no write index is defined for alias", item.Error.Reason);
    }

    private async Task<List<string>> IndicesOfAsync(string alias, CancellationToken ct)
    {
        var response = await client.Indices.GetAliasAsync(new GetAliasRequest((Names)alias), ct);
        Assert.True(response.IsValidResponse, response.DebugInformation);
        return response.Aliases!.Keys.Select(k => k.ToString()).Order().ToList();
    }
}
