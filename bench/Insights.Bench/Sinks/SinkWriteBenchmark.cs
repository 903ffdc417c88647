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
    private ElasticsearchFake _fake = null!;
    private ScoreIndexWriter _writer = null!;
    private MemberMovieShape _alternative = null!;
    private long _version;

    [Params(50)]
    public int Movies { get; set; }

    [GlobalSetup]
    public void Setup() => SetupAsync().GetAwaiter().GetResult();

    private async Task SetupAsync()
    {
        _fake = await ElasticsearchFake.StartAsync();
        var settings = new ElasticsearchSettings { Url = _fake.BaseUri.ToString(), Alias = "bench-scores", BulkMaxDocuments = 500 };
        var client = settings.CreateClient();
        await new ScoreIndex(client, settings).EnsureAsync(CancellationToken.None);
        _writer = new ScoreIndexWriter(client, settings);
        _alternative = new MemberMovieShape(_fake.BaseUri, "bench-member-movie");
        await _alternative.CreateAsync();
    }

    private List<ScoreUpdate> Next() => ScoreWorld.Updates(Members, Movies, ++_version);

    [Benchmark(OperationsPerInvoke = Members, Description = "one doc per member (chosen)")]
    public async Task<int> MemberDocuments() => (await _writer.WriteAsync(Next().Select(ScoreChange.Of), CancellationToken.None)).Indexed;

    [Benchmark(Baseline = true, OperationsPerInvoke = Members, Description = "one doc per member and movie")]
    public Task<int> MemberMovieDocuments() => _alternative.WriteAsync(Next());

    [GlobalCleanup]
    public void Cleanup() => _fake.DisposeAsync().AsTask().GetAwaiter().GetResult();
}
