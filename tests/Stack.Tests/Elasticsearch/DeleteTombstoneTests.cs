using Elastic.Clients.Elasticsearch;
using Elastic.Clients.Elasticsearch.Core.Bulk;
using Insights.Fixtures.Elasticsearch;

namespace Insights.Stack.Tests.Elasticsearch;

/// <summary>
/// ES keeps a deleted document's external version for index.gc_deletes (60 s) and then forgets it; the fake
/// does the same on its clock, so a sink test cannot rely on tombstones living longer than ES keeps them.
/// </summary>
public sealed class DeleteTombstoneTests : IAsyncLifetime
{
    private readonly ManualClock clock = new();
    private ElasticsearchFake fake = null!;
    private ElasticsearchClient client = null!;

    public async ValueTask InitializeAsync()
    {
        fake = await ElasticsearchFake.StartAsync(clock, gcDeletes: TimeSpan.FromSeconds(60));
        client = new ElasticsearchClient(new ElasticsearchClientSettings(fake.BaseUri));
    }

    public ValueTask DisposeAsync() => fake.DisposeAsync();

    [Theory]
    [InlineData(59, 409)]
    [InlineData(61, 201)]
    public async Task A_stale_write_after_an_external_delete_conflicts_only_while_the_tombstone_lives(int secondsLater, int expectedStatus)
    {
        var ct = TestContext.Current.CancellationToken;
        var delete = await client.BulkAsync(new BulkRequest("tombstones")
        {
            Operations = [new BulkDeleteOperation("m1") { Version = 10, VersionType = VersionType.External }],
        }, ct);
        Assert.Equal("not_found", Assert.Single(delete.Items).Result);

        clock.Advance(TimeSpan.FromSeconds(secondsLater));
        var stale = await client.BulkAsync(new BulkRequest("tombstones")
        {
            Operations = [new BulkIndexOperation<object>(new { score = 0.1 }) { Id = "m1", Version = 9, VersionType = VersionType.External }],
        }, ct);

        Assert.Equal(expectedStatus, Assert.Single(stale.Items).Status);
    }

    private sealed class ManualClock : TimeProvider
    {
        private DateTimeOffset now = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        public override DateTimeOffset GetUtcNow() => now;
        public void Advance(TimeSpan by) => now += by;
    }
}
