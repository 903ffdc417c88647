using Elastic.Clients.Elasticsearch;
using Elastic.Clients.Elasticsearch.Core.Bulk;
using Insights.Fixtures.Elasticsearch;
using Insights.Sinks.Elasticsearch;

namespace Insights.Stack.Tests.Elasticsearch;

/// <summary>Faults injected into the fake surface through the real client as the sink will see them.</summary>
public sealed class FaultInjectionTests(ElasticsearchServer server) : IClassFixture<ElasticsearchServer>, IDisposable
{
    private readonly ElasticsearchClient client = server.Client;

    public void Dispose() => server.Fake?.ClearFaults();

    [Theory]
    [InlineData(429, "es_rejected_execution_exception")]
    [InlineData(503, "unavailable_shards_exception")]
    public async Task A_rejected_bulk_surfaces_as_a_retryable_error_with_the_elasticsearch_error_body(int status, string type)
    {
        var ct = TestContext.Current.CancellationToken;
        var fake = server.RequireFake();
        var alias = await AudienceIndex.CreateAsync(client, "reject", ct);
        fake.FailNext(1, status);

        var rejected = await client.BulkAsync(new BulkRequest(alias) { Operations = [Index(new("m1", "f1", 0.5, "F", 30))] }, ct);

        Assert.False(rejected.IsValidResponse);
        Assert.Equal(status, rejected.ApiCallDetails.HttpStatusCode);
        Assert.Equal(type, rejected.ElasticsearchServerError?.Error?.Type);
        Assert.True(TransientFailure.IsRetryable(rejected));
        var retried = await client.BulkAsync(new BulkRequest(alias) { Operations = [Index(new("m1", "f1", 0.5, "F", 30))] }, ct);
        Assert.True(retried.IsValidResponse && !retried.Errors, retried.DebugInformation);
    }

    [Fact]
    public async Task Fails_exactly_the_next_n_requests()
    {
        var ct = TestContext.Current.CancellationToken;
        server.RequireFake().FailNext(2, 429);

        var statuses = new List<int?>();
        for (var i = 0; i < 3; i++) statuses.Add((await client.InfoAsync(ct)).ApiCallDetails.HttpStatusCode);

        Assert.Equal([429, 429, 200], statuses);
    }

    [Fact]
    public async Task Chosen_bulk_items_fail_alone_and_the_rest_are_stored()
    {
        var ct = TestContext.Current.CancellationToken;
        var fake = server.RequireFake();
        var alias = await AudienceIndex.CreateAsync(client, "partial", ct);
        fake.FailBulkItems(item => item.Id == "m2:f1" ? 429 : item.Id == "m3:f1" ? 400 : null);

        var response = await client.BulkAsync(new BulkRequest(alias)
        {
            Operations = [Index(new("m1", "f1", 0.1, "F", 30)), Index(new("m2", "f1", 0.2, "F", 30)), Index(new("m3", "f1", 0.3, "F", 30))],
        }, ct);

        Assert.True(response.Errors);
        Assert.Equal([201, 429, 400], response.Items.Select(i => i.Status));
        Assert.Equal(["m2:f1"], response.Items.Where(TransientFailure.IsRetryable).Select(i => i.Id));
        Assert.True((await client.GetAsync<AudienceDocument>(alias, "m1:f1", ct)).Found);
        Assert.False((await client.GetAsync<AudienceDocument>(alias, "m2:f1", ct)).Found);
    }

    [Fact]
    public async Task A_dropped_connection_surfaces_as_a_retryable_error()
    {
        var ct = TestContext.Current.CancellationToken;
        var fake = server.RequireFake();
        var alias = await AudienceIndex.CreateAsync(client, "dropped", ct);
        fake.AbortNext(1);

        var response = await client.BulkAsync(new BulkRequest(alias) { Operations = [Index(new("m1", "f1", 0.5, "F", 30))] }, ct);

        Assert.False(response.IsValidResponse);
        Assert.Null(response.ApiCallDetails.HttpStatusCode);
        Assert.True(TransientFailure.IsRetryable(response));
    }

    private static BulkIndexOperation<AudienceDocument> Index(AudienceDocument d) => new(d) { Id = AudienceIndex.Id(d) };
}
