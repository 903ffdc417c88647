using Elastic.Clients.Elasticsearch;
using Elastic.Clients.Elasticsearch.Core.Bulk;
using Elastic.Transport;
using Insights.Fixtures;
using Insights.Fixtures.Elasticsearch;
using Insights.Sinks.Elasticsearch;
using Insights.TestSupport;

namespace Insights.Sinks.Tests.Elasticsearch;

public sealed class TransientFailureTests : IAsyncLifetime
{
    private ElasticsearchFake fake = null!;
    private ElasticsearchClient client = null!;

    public async ValueTask InitializeAsync()
    {
        fake = await ElasticsearchFake.StartAsync();
        client = new ElasticsearchClient(new ElasticsearchClientSettings(fake.BaseUri));
    }

    public ValueTask DisposeAsync() => fake.DisposeAsync();

    [Theory]
    [InlineData(429)]
    [InlineData(502)]
    [InlineData(503)]
    [InlineData(504)]
    public async Task A_response_with_an_overload_or_gateway_status_is_retryable(int status)
    {
        fake.FailNext(1, status);

        var response = await client.Indices.CreateAsync("transient", TestContext.Current.CancellationToken);

        Assert.False(response.IsValidResponse);
        Assert.Equal(status, response.ApiCallDetails.HttpStatusCode);
        Assert.True(TransientFailure.IsRetryable(response));
    }

    [Fact]
    public async Task A_response_rejecting_the_request_itself_is_permanent()
    {
        var response = await client.Indices.CreateAsync("Upper-Case-Is-Invalid", TestContext.Current.CancellationToken);

        Assert.Equal(400, response.ApiCallDetails.HttpStatusCode);
        Assert.False(TransientFailure.IsRetryable(response));
    }

    [Fact]
    public async Task A_refused_connection_is_retryable()
    {
        var nobody = new ElasticsearchClient(new ElasticsearchClientSettings(new Uri($"http://127.0.0.1:{LoopbackPort.Next()}/")));

        var response = await nobody.Indices.CreateAsync("refused", TestContext.Current.CancellationToken);

        Assert.Null(response.ApiCallDetails.HttpStatusCode);
        Assert.True(TransientFailure.IsRetryable(response));
    }

    [Fact]
    public async Task A_dropped_connection_is_retryable()
    {
        fake.AbortNext(1);

        var response = await client.Indices.CreateAsync("dropped", TestContext.Current.CancellationToken);

        Assert.Null(response.ApiCallDetails.HttpStatusCode);
        Assert.True(TransientFailure.IsRetryable(response));
    }

    [Theory]
    [InlineData(503, true)]
    [InlineData(404, false)]
    public async Task A_thrown_transport_exception_is_classified_by_its_status(int status, bool retryable)
    {
        var throwing = new ElasticsearchClient(new ElasticsearchClientSettings(fake.BaseUri).ThrowExceptions());
        if (status == 503) fake.FailNext(1, 503);

        var thrown = await Assert.ThrowsAsync<TransportException>(() =>
            throwing.GetAsync<object>("no-such-index", "1", TestContext.Current.CancellationToken));

        Assert.Equal(status, thrown.ApiCallDetails!.HttpStatusCode);
        Assert.Equal(retryable, TransientFailure.IsRetryable(thrown));
    }

    [Fact]
    public async Task Bulk_items_rejected_for_overload_are_retryable_and_version_conflicts_are_not()
    {
        var ct = TestContext.Current.CancellationToken;
        fake.FailBulkItems(item => item.Id == "busy" ? 429 : null);
        var response = await client.BulkAsync(new BulkRequest("items")
        {
            Operations =
            [
                new BulkIndexOperation<object>(new { n = 1 }) { Id = "busy" },
                new BulkIndexOperation<object>(new { n = 1 }) { Id = "stale", Version = 1, VersionType = VersionType.External },
                new BulkIndexOperation<object>(new { n = 0 }) { Id = "stale", Version = 1, VersionType = VersionType.External },
            ],
        }, ct);

        var items = response.Items.ToList();
        Assert.Equal([429, 201, 409], items.Select(i => i.Status));
        Assert.Equal([true, false, false], items.Select(TransientFailure.IsRetryable));
    }

    [Fact]
    public void A_timeout_is_retryable_but_the_callers_own_cancellation_is_not()
    {
        Assert.True(TransientFailure.IsRetryable(new TaskCanceledException("timed out", new TimeoutException())));
        Assert.False(TransientFailure.IsRetryable(new OperationCanceledException()));
    }

    [Fact]
    public void Only_500_is_an_internal_error_retried_a_bounded_number_of_times()
    {
        Assert.True(TransientFailure.IsInternalError(500));
        Assert.All(new[] { 400, 409, 429, 501, 502, 503, 504 }, status => Assert.False(TransientFailure.IsInternalError(status)));
    }

    [Theory]
    [InlineData(400)]
    [InlineData(401)]
    [InlineData(403)]
    [InlineData(404)]
    [InlineData(409)]
    [InlineData(413)]
    [InlineData(500)]
    public void Other_statuses_are_permanent(int status) => Assert.False(TransientFailure.IsRetryableStatus(status));
}
