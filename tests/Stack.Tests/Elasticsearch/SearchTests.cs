using Elastic.Clients.Elasticsearch;
using Elastic.Clients.Elasticsearch.Core.Search;
using Elastic.Clients.Elasticsearch.IndexManagement;
using Elastic.Clients.Elasticsearch.Mapping;
using Elastic.Clients.Elasticsearch.QueryDsl;
using Insights.Fixtures.Elasticsearch;

namespace Insights.Stack.Tests.Elasticsearch;

public sealed class SearchTests(ElasticsearchServer server) : IClassFixture<ElasticsearchServer>
{
    private readonly ElasticsearchClient client = server.Client;

    private static readonly AudienceDocument[] Audience =
    [
        new("m1", "f1", 0.91, "F", 24),
        new("m2", "f1", 0.35, "M", 31),
        new("m3", "f1", 0.72, "F", 45),
        new("m4", "f1", 0.15, "F", 29),
        new("m5", "f1", 0.64, "M", 52),
        new("m6", "f1", 0.58, "F", 38),
        new("m1", "f2", 0.99, "F", 24),
        new("m7", "f2", 0.40, "M", 33),
    ];

    [Fact]
    public async Task A_bool_of_term_and_range_sorted_by_score_gives_the_top_ids_in_order()
    {
        var ct = TestContext.Current.CancellationToken;
        var alias = await SeededAsync("top", ct);

        var response = await client.SearchAsync<AudienceDocument>(new SearchRequest(alias)
        {
            Query = new BoolQuery
            {
                Filter = [new TermQuery("movieId", "f1"), new NumberRangeQuery("score") { Gte = 0.3 }],
                MustNot = [new TermQuery("gender", "M")],
            },
            Sort = [new SortOptions { Field = new FieldSort("score") { Order = SortOrder.Desc } }],
            Size = 2,
        }, ct);

        Assert.True(response.IsValidResponse, response.DebugInformation);
        Assert.Equal(["m1:f1", "m3:f1"], response.Hits.Select(h => h.Id));
        Assert.Equal(3, response.Total); // m1, m3, m6 match; size cuts to two
        Assert.Equal(0.91, response.Hits.First().Sort!.First().Value);
    }

    [Fact]
    public async Task Range_bounds_exclude_and_include_as_their_names_say()
    {
        var ct = TestContext.Current.CancellationToken;
        var alias = await SeededAsync("range", ct);

        async Task<List<string>> MembersAsync(NumberRangeQuery range)
        {
            var response = await client.SearchAsync<AudienceDocument>(new SearchRequest(alias)
            {
                Query = new BoolQuery { Filter = [new TermQuery("movieId", "f1"), range] },
                Sort = [new SortOptions { Field = new FieldSort("age") { Order = SortOrder.Asc } }],
            }, ct);
            Assert.True(response.IsValidResponse, response.DebugInformation);
            return response.Documents.Select(d => d.MemberId).ToList();
        }

        Assert.Equal(["m4", "m2", "m6"], await MembersAsync(new NumberRangeQuery("age") { Gte = 29, Lte = 38 }));
        Assert.Equal(["m2"], await MembersAsync(new NumberRangeQuery("age") { Gt = 29, Lt = 38 }));
    }

    [Fact]
    public async Task Terms_should_and_exists_select_as_in_elasticsearch()
    {
        var ct = TestContext.Current.CancellationToken;
        var alias = await SeededAsync("terms", ct);

        var response = await client.SearchAsync<AudienceDocument>(new SearchRequest(alias)
        {
            Query = new BoolQuery
            {
                Filter = [new TermsQuery("memberId", new TermsQueryField([FieldValue.String("m1"), FieldValue.String("m2"), FieldValue.String("m7")])),
                    new ExistsQuery("gender")],
                Should = [new TermQuery("movieId", "f2"), new NumberRangeQuery("age") { Gte = 30 }],
                MinimumShouldMatch = 1,
            },
            Sort = [new SortOptions { Field = new FieldSort("score") { Order = SortOrder.Asc } }],
        }, ct);

        Assert.True(response.IsValidResponse, response.DebugInformation);
        Assert.Equal(["m2:f1", "m7:f2", "m1:f2"], response.Hits.Select(h => h.Id));
    }

    [Fact]
    public async Task Documents_become_searchable_at_refresh_while_get_sees_them_at_once()
    {
        var ct = TestContext.Current.CancellationToken;
        var alias = await AudienceIndex.CreateAsync(client, "refresh", ct);
        var write = await client.BulkAsync(new BulkRequest(alias)
        {
            Operations = [new Elastic.Clients.Elasticsearch.Core.Bulk.BulkIndexOperation<AudienceDocument>(Audience[0]) { Id = "m1:f1" }],
        }, ct);
        Assert.False(write.Errors, write.DebugInformation);

        Assert.Equal(0, (await client.CountAsync(new CountRequest(alias), ct)).Count);
        Assert.True((await client.GetAsync<AudienceDocument>(alias, "m1:f1", ct)).Found);

        Assert.True((await client.Indices.RefreshAsync(alias, ct)).IsValidResponse);
        Assert.Equal(1, (await client.CountAsync(new CountRequest(alias), ct)).Count);
    }

    [Fact]
    public async Task From_and_size_page_through_a_stable_order()
    {
        var ct = TestContext.Current.CancellationToken;
        var alias = await SeededAsync("page", ct);
        var byScore = new SortOptions { Field = new FieldSort("score") { Order = SortOrder.Desc } };

        var first = await client.SearchAsync<AudienceDocument>(new SearchRequest(alias) { Sort = [byScore], Size = 3 }, ct);
        var second = await client.SearchAsync<AudienceDocument>(new SearchRequest(alias) { Sort = [byScore], From = 3, Size = 3 }, ct);

        Assert.Equal(["m1:f2", "m1:f1", "m3:f1"], first.Hits.Select(h => h.Id));
        Assert.Equal(["m5:f1", "m6:f1", "m7:f2"], second.Hits.Select(h => h.Id));
    }

    [Fact]
    public async Task Search_after_resumes_strictly_behind_the_given_sort_values_and_refuses_what_elasticsearch_refuses()
    {
        var ct = TestContext.Current.CancellationToken;
        var alias = await SeededAsync("after", ct);
        SortOptions[] sort =
        [
            new() { Field = new FieldSort("score") { Order = SortOrder.Desc } },
            new() { Field = new FieldSort("age") { Order = SortOrder.Asc } },
        ];

        var first = await client.SearchAsync<AudienceDocument>(new SearchRequest(alias) { Sort = sort, Size = 3 }, ct);
        var second = await client.SearchAsync<AudienceDocument>(
            new SearchRequest(alias) { Sort = sort, Size = 3, SearchAfter = [.. first.Hits.Last().Sort!] }, ct);
        var tooFew = await client.SearchAsync<AudienceDocument>(
            new SearchRequest(alias) { Sort = sort, SearchAfter = [FieldValue.Double(0.5)] }, ct);
        var withFrom = await client.SearchAsync<AudienceDocument>(
            new SearchRequest(alias) { Sort = sort, From = 3, SearchAfter = [.. first.Hits.Last().Sort!] }, ct);

        Assert.Equal(["m1:f2", "m1:f1", "m3:f1"], first.Hits.Select(h => h.Id));
        Assert.Equal(["m5:f1", "m6:f1", "m7:f2"], second.Hits.Select(h => h.Id));
        Assert.Equal(400, tooFew.ApiCallDetails.HttpStatusCode);
        Assert.Contains("search_after has 1 value(s) but sort has 2.", tooFew.ElasticsearchServerError!.Error!.Reason!);
        Assert.Equal(400, withFrom.ApiCallDetails.HttpStatusCode);
        Assert.Contains("`from` parameter must be set to 0 when `search_after` is used", withFrom.ElasticsearchServerError!.Error!.Reason!);
    }

    [Fact]
    public async Task Source_filtering_returns_only_the_requested_fields()
    {
        var ct = TestContext.Current.CancellationToken;
        var alias = await SeededAsync("source", ct);

        var response = await client.SearchAsync<AudienceDocument>(new SearchRequest(alias)
        {
            Query = new TermQuery("memberId", "m3"),
            Source = new SourceConfig(new SourceFilter { Includes = new[] { "memberId", "score" } }),
        }, ct);

        var document = Assert.Single(response.Documents);
        Assert.Equal(new AudienceDocument("m3", null!, 0.72, null!, 0), document);
    }

    [Fact]
    public async Task Rank_feature_saturation_orders_members_by_their_feature_for_a_movie()
    {
        var ct = TestContext.Current.CancellationToken;
        var index = ElasticsearchServer.UniqueName("features");
        var created = await client.Indices.CreateAsync(new CreateIndexRequest(index)
        {
            Mappings = new TypeMapping { Properties = new Properties { { "movies", new RankFeaturesProperty() }, { "memberId", new KeywordProperty() } } },
        }, ct);
        Assert.True(created.IsValidResponse, created.DebugInformation);
        MemberFeatures[] members =
        [
            new("m1", new() { ["f1"] = 0.2, ["f2"] = 0.9 }),
            new("m2", new() { ["f1"] = 0.8 }),
            new("m3", new() { ["f1"] = 0.5, ["f2"] = 0.1 }),
            new("m4", new() { ["f2"] = 0.7 }),
        ];
        var bulk = await client.BulkAsync(new BulkRequest(index)
        {
            Operations = members.Select(m => (Elastic.Clients.Elasticsearch.Core.Bulk.IBulkOperation)
                new Elastic.Clients.Elasticsearch.Core.Bulk.BulkIndexOperation<MemberFeatures>(m) { Id = m.MemberId }).ToList(),
            Refresh = Refresh.True,
        }, ct);
        Assert.False(bulk.Errors, bulk.DebugInformation);

        var response = await client.SearchAsync<MemberFeatures>(new SearchRequest(index)
        {
            Query = new RankFeatureQuery("movies.f1") { Saturation = new RankFeatureFunctionSaturation { Pivot = 0.5f } },
            Size = 10,
        }, ct);

        Assert.True(response.IsValidResponse, response.DebugInformation);
        Assert.Equal(["m2", "m3", "m1"], response.Hits.Select(h => h.Id)); // m4 has no f1 feature
        Assert.Equal(0.8 / (0.8 + 0.5), response.Hits.First().Score!.Value, precision: 2);
    }

    [Fact]
    public async Task Delete_by_query_removes_exactly_the_matching_documents()
    {
        var ct = TestContext.Current.CancellationToken;
        var alias = await SeededAsync("dbq", ct);

        var deleted = await client.DeleteByQueryAsync(new DeleteByQueryRequest(alias)
        {
            Query = new TermQuery("memberId", "m1"),
            Refresh = true,
        }, ct);

        Assert.True(deleted.IsValidResponse, deleted.DebugInformation);
        Assert.Equal(2, deleted.Deleted);
        Assert.Equal(Audience.Length - 2, (await client.CountAsync(new CountRequest(alias), ct)).Count);
        Assert.False((await client.GetAsync<AudienceDocument>(alias, "m1:f2", ct)).Found);
    }

    [Theory]
    [InlineData(SortOrder.Asc, new[] { "low", "high", "none" })]
    [InlineData(SortOrder.Desc, new[] { "high", "low", "none" })]
    public async Task Documents_missing_the_sort_field_come_last_in_either_order(SortOrder order, string[] expected)
    {
        var ct = TestContext.Current.CancellationToken;
        var alias = await AudienceIndex.CreateAsync(client, "missing", ct);
        var bulk = await client.BulkAsync(new BulkRequest(alias)
        {
            Operations =
            [
                new Elastic.Clients.Elasticsearch.Core.Bulk.BulkIndexOperation<object>(new { memberId = "none" }) { Id = "none" },
                new Elastic.Clients.Elasticsearch.Core.Bulk.BulkIndexOperation<object>(new { memberId = "high", score = 0.9 }) { Id = "high" },
                new Elastic.Clients.Elasticsearch.Core.Bulk.BulkIndexOperation<object>(new { memberId = "low", score = 0.1 }) { Id = "low" },
            ],
            Refresh = Refresh.True,
        }, ct);
        Assert.False(bulk.Errors, bulk.DebugInformation);

        var response = await client.SearchAsync<AudienceDocument>(new SearchRequest(alias)
        {
            Sort = [new SortOptions { Field = new FieldSort("score") { Order = order } }],
        }, ct);

        Assert.True(response.IsValidResponse, response.DebugInformation);
        Assert.Equal(expected, response.Hits.Select(h => h.Id));
    }

    private sealed record MemberFeatures(string MemberId, Dictionary<string, double> Movies);

    private async Task<string> SeededAsync(string prefix, CancellationToken ct)
    {
        var alias = await AudienceIndex.CreateAsync(client, prefix, ct);
        await AudienceIndex.SeedAsync(client, alias, Audience, ct);
        return alias;
    }
}
