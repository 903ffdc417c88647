using BenchmarkDotNet.Attributes;
using Insights.Contracts.Scores;
using Insights.Fixtures.Elasticsearch;
using Insights.Sinks;
using Insights.Sinks.Elasticsearch;

namespace Insights.Bench.Sinks;

/// <summary>
/// Score updates per second through the sink's writer into the in-process Elasticsearch fake: the chosen
/// shape (one document per member) against the per-member-and-movie shape as baseline, same updates, same run.
/// Every invocation writes new versions, so each is a real write, not a 409. The fake is one lock over
/// in-memory JSON: absolute figures say what the client + HTTP + our code cost, not what a cluster sustains.
/// </summary>
[InProcess]
[MemoryDiagnoser]
public class SinkWriteBenchmark
{
    private const int Members = 500;
    private ElasticsearchFake fake = null!;
    private ScoreIndexWriter writer = null!;
    private MemberMovieShape alternative = null!;
    private long version;

    [Params(50)]
    public int Movies { get; set; }

    [GlobalSetup]
    public void Setup() => SetupAsync().GetAwaiter().GetResult();

    private async Task SetupAsync()
    {
        fake = await ElasticsearchFake.StartAsync();
        var settings = new ElasticsearchSettings { Url = fake.BaseUri.ToString(), Alias = "bench-scores", BulkMaxDocuments = 500 };
        var client = settings.CreateClient();
        await new ScoreIndex(client, settings).EnsureAsync(CancellationToken.None);
        writer = new ScoreIndexWriter(client, settings);
        alternative = new MemberMovieShape(fake.BaseUri, "bench-member-movie");
        await alternative.CreateAsync();
    }

    private List<ScoreUpdate> Next() => ScoreWorld.Updates(Members, Movies, ++version);

    [Benchmark(OperationsPerInvoke = Members, Description = "one doc per member (chosen)")]
    public async Task<int> MemberDocuments() => (await writer.WriteAsync(Next().Select(ScoreChange.Of), CancellationToken.None)).Indexed;

    [Benchmark(Baseline = true, OperationsPerInvoke = Members, Description = "one doc per member and movie")]
    public Task<int> MemberMovieDocuments() => alternative.WriteAsync(Next());

    [GlobalCleanup]
    public void Cleanup() => fake.DisposeAsync().AsTask().GetAwaiter().GetResult();
}
