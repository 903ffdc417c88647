using Insights.Fixtures.Elasticsearch;
using Insights.Fixtures.S3;
using Insights.Sinks.Elasticsearch;
using Insights.Sinks.Snapshots;
using Insights.Sinks.Tests.Elasticsearch;
using Insights.TestSupport;

namespace Insights.Sinks.Tests.Snapshots;

public sealed class SnapshotRestoreTests(S3Server s3, ElasticsearchServer elasticsearch) : IClassFixture<S3Server>, IClassFixture<ElasticsearchServer>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Restoring_into_an_empty_index_gives_the_same_query_answers()
    {
        string[] bands = ["18-24", "25-34", "35-44"];
        var state = new ScoreStateInMemory(partitions: 4);
        var live = await ScoreIndexUnderTest.CreateAsync(elasticsearch);
        var changes = new List<ScoreChange>();
        for (var m = 1; m <= 300; m++)
        {
            changes.Add(ScoreChange.Of(ScoreUpdates.For(m, 1, movies: 8, bands[m % 3], m % 2 == 0 ? "F" : "M", seen: m % 8 + 1)));
            changes.Add(ScoreChange.Of(ScoreUpdates.For(m, 2, movies: 8, bands[m % 3], m % 2 == 0 ? "F" : "M", seen: m % 8 + 1)));
        }
        changes.AddRange([ScoreChange.Delete(10), ScoreChange.Delete(20)]);
        changes.ForEach(state.Add);
        await live.Writer.WriteAsync(changes, Ct);
        await live.RefreshAsync();
        var store = new S3Endpoint { ServiceUrl = s3.ServiceUrl, Bucket = s3.Bucket, AccessKey = s3.AccessKey, SecretKey = s3.SecretKey }.CreateStore();
        var settings = new SnapshotSettings { Prefix = $"restore-{Guid.NewGuid():N}" };
        var manifest = await new SnapshotWriter(state, store, settings, new SteppingClock()).TakeAsync(Ct);

        var restored = await ScoreIndexUnderTest.CreateAsync(elasticsearch);
        var count = await new SnapshotRestore(new SnapshotCatalog(store, settings.Prefix)).ToElasticsearchAsync(manifest, restored.Writer, Ct);
        await restored.RefreshAsync();

        Assert.Equal(298, count);
        foreach (var query in new[]
                 {
                     new AudienceQuery(1, 25), new AudienceQuery(4, 300), new AudienceQuery(7, 50, MinScore: 0.4),
                     new AudienceQuery(2, 40, AgeBand: "25-34"), new AudienceQuery(8, 40, Gender: "F", AgeBand: "18-24"),
                 })
        {
            var expected = (await live.Queries.TopAudienceAsync(query, Ct)).Members;
            Assert.NotEmpty(expected);
            Assert.Equal(expected, (await restored.Queries.TopAudienceAsync(query, Ct)).Members);
        }
        foreach (var member in new long[] { 1, 10, 150, 299 })
        {
            var expected = await live.Queries.MemberPropensitiesAsync(member, Ct);
            var actual = await restored.Queries.MemberPropensitiesAsync(member, Ct);
            Assert.Equal(expected?.Movies, actual?.Movies);
            Assert.Equal(expected?.Version, actual?.Version);
        }
    }
}
