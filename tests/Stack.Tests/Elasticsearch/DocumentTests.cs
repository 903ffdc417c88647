using Elastic.Clients.Elasticsearch;
using Elastic.Clients.Elasticsearch.Core.Bulk;
using Insights.Fixtures.Elasticsearch;

namespace Insights.Stack.Tests.Elasticsearch;

public sealed class DocumentTests(ElasticsearchServer server) : IClassFixture<ElasticsearchServer>
{
    private readonly ElasticsearchClient client = server.Client;

    private sealed record ScorePatch(double Score);

    [Fact]
    public async Task Bulk_indexes_updates_and_deletes_and_get_reads_back_each_result()
    {
        var ct = TestContext.Current.CancellationToken;
        var alias = await AudienceIndex.CreateAsync(client, "bulk", ct);
        await AudienceIndex.SeedAsync(client, alias,
            [new("a", "f1", 0.1, "F", 20), new("b", "f1", 0.2, "M", 30), new("c", "f1", 0.3, "F", 40)], ct);

        var response = await client.BulkAsync(new BulkRequest(alias)
        {
            Operations =
            [
                new BulkUpdateOperation<AudienceDocument, ScorePatch>("a:f1") { Doc = new ScorePatch(0.9) },
                new BulkUpdateOperation<AudienceDocument, AudienceDocument>("d:f1") { Doc = new("d", "f1", 0.4, "M", 50), DocAsUpsert = true },
                new BulkDeleteOperation("b:f1"),
                new BulkDeleteOperation("never-there"),
                new BulkCreateOperation<AudienceDocument>(new("c", "f1", 0.0, "F", 40)) { Id = "c:f1" },
            ],
        }, ct);

        // The client calls a bulk response with any failed item invalid; the call itself succeeded.
        Assert.Equal(200, response.ApiCallDetails.HttpStatusCode);
        Assert.True(response.Errors, response.DebugInformation); // the create of an existing id
        Assert.Equal(["updated", "created", "deleted", "not_found", null], response.Items.Select(i => i.Result));
        Assert.Equal([200, 201, 200, 404, 409], response.Items.Select(i => i.Status));
        Assert.Equal("version_conflict_engine_exception", response.Items.Last().Error!.Type);

        Assert.Equal(0.9, (await GetAsync(alias, "a:f1", ct))!.Score);
        Assert.Null(await GetAsync(alias, "b:f1", ct));
        Assert.Equal(0.3, (await GetAsync(alias, "c:f1", ct))!.Score);
        Assert.Equal(new AudienceDocument("d", "f1", 0.4, "M", 50), await GetAsync(alias, "d:f1", ct));
    }

    [Fact]
    public async Task An_update_that_changes_nothing_is_a_noop_keeping_the_version()
    {
        var ct = TestContext.Current.CancellationToken;
        var alias = await AudienceIndex.CreateAsync(client, "noop", ct);
        await AudienceIndex.SeedAsync(client, alias, [new("a", "f1", 0.5, "F", 20)], ct);

        var response = await client.BulkAsync(new BulkRequest(alias)
        {
            Operations = [new BulkUpdateOperation<AudienceDocument, ScorePatch>("a:f1") { Doc = new ScorePatch(0.5) }],
        }, ct);

        var item = Assert.Single(response.Items);
        Assert.Equal("noop", item.Result);
        Assert.Equal(1, item.Version);
    }

    [Fact]
    public async Task External_versions_reject_stale_and_repeated_writes_as_409_items_and_keep_the_newer_document()
    {
        var ct = TestContext.Current.CancellationToken;
        var alias = await AudienceIndex.CreateAsync(client, "versions", ct);
        await WriteAsync(alias, new("a", "f1", 0.5, "F", 20), 5, ct);

        var response = await client.BulkAsync(new BulkRequest(alias)
        {
            Operations =
            [
                Versioned(new("a", "f1", 0.1, "F", 20), 3),
                Versioned(new("a", "f1", 0.2, "F", 20), 5),
                new BulkDeleteOperation("a:f1") { Version = 4, VersionType = VersionType.External },
            ],
        }, ct);

        Assert.True(response.Errors);
        Assert.All(response.Items, i =>
        {
            Assert.Equal(409, i.Status);
            Assert.Equal("version_conflict_engine_exception", i.Error!.Type);
        });
        var kept = await client.GetAsync<AudienceDocument>(alias, "a:f1", ct);
        Assert.Equal(5, kept.Version);
        Assert.Equal(0.5, kept.Source!.Score);

        var newer = await WriteAsync(alias, new("a", "f1", 0.7, "F", 20), 6, ct);
        Assert.Equal(200, Assert.Single(newer.Items).Status);
        Assert.Equal(0.7, (await GetAsync(alias, "a:f1", ct))!.Score);
    }

    [Fact]
    public async Task An_external_delete_rejects_a_stale_write_that_arrives_after_it()
    {
        var ct = TestContext.Current.CancellationToken;
        var alias = await AudienceIndex.CreateAsync(client, "tombstone", ct);
        await WriteAsync(alias, new("a", "f1", 0.5, "F", 20), 5, ct);

        var deleted = await client.BulkAsync(new BulkRequest(alias)
        {
            Operations = [new BulkDeleteOperation("a:f1") { Version = 10, VersionType = VersionType.External }],
        }, ct);
        var stale = await WriteAsync(alias, new("a", "f1", 0.1, "F", 20), 9, ct);

        Assert.Equal("deleted", Assert.Single(deleted.Items).Result);
        Assert.Equal(409, Assert.Single(stale.Items).Status);
        Assert.Null(await GetAsync(alias, "a:f1", ct));
    }

    [Fact]
    public async Task Gzip_compressed_requests_are_accepted_and_answered()
    {
        var ct = TestContext.Current.CancellationToken;
        var compressing = server.CreateClient(s => s.EnableHttpCompression());
        var compressedBefore = server.Fake?.CompressedRequestCount ?? 0;
        var alias = await AudienceIndex.CreateAsync(compressing, "gzip", ct);

        await AudienceIndex.SeedAsync(compressing, alias,
            Enumerable.Range(0, 200).Select(i => new AudienceDocument($"m{i}", "f1", i / 200.0, "F", 20 + i % 50)), ct);
        var found = await compressing.SearchAsync<AudienceDocument>(new SearchRequest(alias) { Size = 200 }, ct);

        Assert.True(found.IsValidResponse, found.DebugInformation);
        Assert.Equal(200, found.Documents.Count);
        if (server.Fake is { } fake) Assert.True(fake.CompressedRequestCount - compressedBefore >= 3, "create, bulk and search bodies arrive gzip-encoded");
    }

    private static BulkIndexOperation<AudienceDocument> Versioned(AudienceDocument document, long version) =>
        new(document) { Id = AudienceIndex.Id(document), Version = version, VersionType = VersionType.External };

    private async Task<BulkResponse> WriteAsync(string alias, AudienceDocument document, long version, CancellationToken ct) =>
        await client.BulkAsync(new BulkRequest(alias) { Operations = [Versioned(document, version)] }, ct);

    private async Task<AudienceDocument?> GetAsync(string alias, string id, CancellationToken ct)
    {
        var response = await client.GetAsync<AudienceDocument>(alias, id, ct);
        Assert.True(response.IsValidResponse || response.ApiCallDetails.HttpStatusCode == 404, response.DebugInformation);
        return response.Found ? response.Source : null;
    }
}
