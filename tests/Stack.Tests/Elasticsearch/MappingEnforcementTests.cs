using System.Text.Json.Nodes;
using Elastic.Clients.Elasticsearch;
using Elastic.Clients.Elasticsearch.Core.Bulk;
using Elastic.Clients.Elasticsearch.IndexManagement;
using Elastic.Clients.Elasticsearch.Mapping;
using Insights.Fixtures.Elasticsearch;

namespace Insights.Stack.Tests.Elasticsearch;

/// <summary>
/// What Elasticsearch refuses when it parses a written document against a strict mapping (one bulk item each,
/// the rest of the bulk written), and what fails a bulk request whole (an invalid item found by validation).
/// </summary>
public sealed class MappingEnforcementTests(ElasticsearchServer server) : IClassFixture<ElasticsearchServer>
{
    private readonly ElasticsearchClient client = server.Client;
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private async Task<string> StrictIndexAsync()
    {
        var index = ElasticsearchServer.UniqueName("strict");
        var created = await client.Indices.CreateAsync(new CreateIndexRequest(index)
        {
            Mappings = new TypeMapping
            {
                Dynamic = DynamicMapping.Strict,
                Properties = new Properties
                {
                    { "n", new LongNumberProperty() },
                    { "k", new KeywordProperty() },
                    { "b", new BooleanProperty() },
                    { "f", new RankFeaturesProperty() },
                    { "o", new ObjectProperty { Enabled = false } },
                },
            },
        }, Ct);
        Assert.True(created.IsValidResponse, created.DebugInformation);
        return index;
    }

    private static BulkIndexOperation<JsonObject> Item(string id, JsonObject source, long? version = null) =>
        new(source) { Id = id, Version = version, VersionType = version is null ? null : VersionType.External };

    [Fact]
    public async Task Each_document_the_mapping_refuses_fails_its_own_item_and_the_others_are_written()
    {
        var index = await StrictIndexAsync();
        var response = await client.BulkAsync(new BulkRequest(index)
        {
            Operations =
            [
                Item("good", new JsonObject { ["n"] = 1, ["k"] = "F", ["b"] = true, ["f"] = new JsonObject { ["7"] = 0.5 }, ["o"] = new JsonObject { ["any"] = "thing" } }),
                Item("unknown-field", new JsonObject { ["n"] = 1, ["extra"] = 2 }),
                Item("not-a-number", new JsonObject { ["n"] = "many" }),
                Item("not-a-boolean", new JsonObject { ["b"] = "maybe" }),
                Item("zero-feature", new JsonObject { ["f"] = new JsonObject { ["7"] = 0 } }),
                Item("subnormal-feature", new JsonObject { ["f"] = new JsonObject { ["7"] = 1e-40 } }),
                Item("immense-keyword", new JsonObject { ["k"] = new string('x', 40_000) }),
                Item("also-good", new JsonObject { ["n"] = "42" }), // numeric strings are coerced
            ],
        }, Ct);

        Assert.Equal(200, response.ApiCallDetails.HttpStatusCode);
        var statuses = response.Items.ToDictionary(i => i.Id!, i => i.Status);
        Assert.Equal(201, statuses["good"]);
        Assert.Equal(201, statuses["also-good"]);
        foreach (var refused in new[] { "unknown-field", "not-a-number", "not-a-boolean", "zero-feature", "subnormal-feature", "immense-keyword" })
            Assert.Equal(400, statuses[refused]);
        var errors = response.Items.Where(i => i.Error is not null).ToDictionary(i => i.Id!, i => i.Error!);
        Assert.Equal("strict_dynamic_mapping_exception", errors["unknown-field"].Type);
        Assert.Contains("dynamic introduction of [extra]", errors["unknown-field"].Reason);
        Assert.Equal("document_parsing_exception", errors["not-a-number"].Type);
        Assert.Contains("failed to parse field [n] of type [long]", errors["not-a-number"].Reason);
        Assert.Contains("positive normal float", errors["subnormal-feature"].CausedBy?.Reason ?? errors["subnormal-feature"].Reason);
        Assert.Contains("immense term", errors["immense-keyword"].Reason + errors["immense-keyword"].CausedBy?.Reason);

        var refusedGet = await client.GetAsync<JsonObject>(new GetRequest(index, "not-a-number"), Ct);
        Assert.False(refusedGet.Found);
    }

    [Fact]
    public async Task A_negative_external_version_fails_the_whole_bulk_and_writes_nothing()
    {
        var index = await StrictIndexAsync();
        var response = await client.BulkAsync(new BulkRequest(index)
        {
            Operations = [Item("valid", new JsonObject { ["n"] = 1 }, version: 5), Item("negative", new JsonObject { ["n"] = 2 }, version: -1)],
        }, Ct);

        Assert.Equal(400, response.ApiCallDetails.HttpStatusCode);
        Assert.Equal("action_request_validation_exception", response.ElasticsearchServerError?.Error?.Type);
        Assert.Contains("illegal version value [-1] for version type [EXTERNAL]", response.ElasticsearchServerError?.Error?.Reason);
        var valid = await client.GetAsync<JsonObject>(new GetRequest(index, "valid"), Ct);
        Assert.False(valid.Found);
    }
}
