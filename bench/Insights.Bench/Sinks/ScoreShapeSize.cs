using System.Diagnostics;
using System.Text.Json;
using Insights.Fixtures.Elasticsearch;
using Insights.Sinks;
using Insights.Sinks.Elasticsearch;

namespace Insights.Bench.Sinks;

/// <summary>
/// `Insights.Bench --sink-shapes`: both document shapes written into the Elasticsearch fake for the same
/// members, then documents, stored `_source` bytes per member, documents written per score update, and the
/// fake's query latency (medians) for the two questions. What the fake cannot tell: Lucene's on-disk size
/// (inverted index, doc values, per-document overhead, compression) and real query cost; see docs/sinks.md.
/// </summary>
public static class ScoreShapeSize
{
    public static async Task PrintAsync(int members = 943, int movies = 50, int runs = 31)
    {
        await using var fake = await ElasticsearchFake.StartAsync();
        var settings = new ElasticsearchSettings { Url = fake.BaseUri.ToString(), Alias = "shape-scores" };
        var client = settings.CreateClient();
        await new ScoreIndex(client, settings).EnsureAsync(CancellationToken.None);
        var writer = new ScoreIndexWriter(client, settings);
        var queries = new AudienceQueries(client, settings);
        var alternative = new MemberMovieShape(fake.BaseUri, "shape-member-movie");
        await alternative.CreateAsync();

        var updates = ScoreWorld.Updates(members, movies, version: 1);
        await writer.WriteAsync(updates.Select(ScoreChange.Of), CancellationToken.None);
        await alternative.WriteAsync(updates);
        await client.Indices.RefreshAsync("shape-scores,shape-member-movie");

        Console.WriteLine($"score document shapes, {members} members x {movies} candidate movies (Elasticsearch fake):");
        // _source is what Elasticsearch keeps verbatim for every document: the bytes the writer sends.
        var chosenBytes = updates.Sum(u => (long)JsonSerializer.SerializeToUtf8Bytes(MemberScoresDocument.From(u), SinkJsonContext.Default.MemberScoresDocument).Length);
        var snake = new JsonSerializerOptions { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };
        var alternativeBytes = updates.SelectMany(MemberMovieShape.Documents).Sum(d => (long)JsonSerializer.SerializeToUtf8Bytes(d, snake).Length);
        foreach (var (name, index, bytes, perUpdate) in new[]
                 {
                     ("one doc per member (chosen)", settings.Alias, chosenBytes, 1),
                     ("one doc per member and movie", "shape-member-movie", alternativeBytes, movies),
                 })
        {
            var docs = (await client.CountAsync(c => c.Indices(index))).Count;
            Console.WriteLine($"  {name,-30} {docs,8} docs  {bytes / (double)members,8:F0} _source bytes/member  {perUpdate,3} docs written per update");
        }

        var movie = 7;
        var audience = await Median(runs, () => queries.TopAudienceAsync(new AudienceQuery(movie, 100, 0.1, Gender: "F"), CancellationToken.None));
        var audienceAlt = await Median(runs, () => alternative.AudienceAsync(movie, 100, 0.1, "F"));
        var member = await Median(runs, () => queries.MemberPropensitiesAsync(42, CancellationToken.None));
        var memberAlt = await Median(runs, () => alternative.MemberMoviesAsync(42, movies));
        Console.WriteLine($"  top 100 audience of a movie (floor 0.1, gender F): chosen {audience:F2} ms, per member-movie {audienceAlt:F2} ms (fake: linear scan of every doc)");
        Console.WriteLine($"  a member's top movies:                           chosen {member:F2} ms (get by id), per member-movie {memberAlt:F2} ms (search + sort)");
    }

    private static async Task<double> Median<T>(int runs, Func<Task<T>> query)
    {
        await query(); // warm-up
        var times = new List<double>();
        for (var i = 0; i < runs; i++)
        {
            var clock = Stopwatch.StartNew();
            await query();
            times.Add(clock.Elapsed.TotalMilliseconds);
        }
        times.Sort();
        return times[runs / 2];
    }
}
