using System.Text;
using System.Text.Json.Nodes;
using Insights.Fixtures.Elasticsearch;
using Insights.Fixtures.Poison;
using Insights.Sinks.Kafka;
using Insights.TestSupport;
using static Insights.Sinks.Tests.Poison.SinkCaseFeed;

namespace Insights.Sinks.Tests.Poison;

/// <summary>One hostile input of the sink corpus: what it is, what must come of it, and how it is sent.</summary>
public sealed record SinkPoison(string Name, string Expected, Func<SinkCaseFeed, Task> Send, bool NeedsFaultInjection = false)
{
    public override string ToString() => Name;
}

/// <summary>
/// The sink's poison corpus through a real `insights sink` process (<see cref="SinkPoisonRun"/>): score records no
/// consumer can use and documents Elasticsearch refuses. For every case the sink stays up, each such record is one dead
/// letter naming its reason and origin (or is written as the case says), and the update behind it on the same
/// partition is indexed within 30 s.
/// </summary>
public sealed class SinkPoisonCorpusTests(SinkPoisonRun run) : IClassFixture<SinkPoisonRun>
{
    public static readonly IReadOnlyList<SinkPoison> Corpus =
    [
        Refused("not JSON", f => (Key(f.NewMember()), Utf8("{not json")), "is not a ScoreUpdate"),
        Refused("nesting 10,000 deep", f => (Key(f.NewMember()), Utf8(new string('[', 10_000) + new string(']', 10_000))), "is not a ScoreUpdate"),
        Refused("JSON null", f => (Key(f.NewMember()), Utf8("null")), "value is JSON null"),
        Refused("an unknown schema", f => With(f.NewMember(), "schema", "99"), "schema 99 is unknown"),
        Refused("a key and value naming different members", f => (Key(f.NewMember()), ScoreRecords.Value(ScoreUpdates.For(f.NewMember(), 1))), "value says member"),
        Refused("a key that is no member id", f => (Utf8("m-73"), ScoreRecords.Value(ScoreUpdates.For(73, 1))), "is not a member id"),
        Refused("a key that is not UTF-8", f => ([0xff, 0xfe], ScoreRecords.Value(ScoreUpdates.For(74, 1))), "not UTF-8"),
        Refused("an update without a key", f => (null, ScoreRecords.Value(ScoreUpdates.For(f.NewMember(), 1))), "is not a member id"),
        Refused("scores that are null", f => With(f.NewMember(), "scores", "null"), "scores is null"),
        Refused("a movie scored twice", f => With(f.NewMember(), "scores",
            """[{"movie_id":2,"score":0.4,"seen":false},{"movie_id":2,"score":0.3,"seen":false}]"""), "movie 2 is scored twice"),
        Refused("a score above 1", f => With(f.NewMember(), "scores", """[{"movie_id":2,"score":7.5,"seen":false}]"""), "movie 2 has score 7.5"),
        Refused("a score that is NaN", f => With(f.NewMember(), "scores", """[{"movie_id":2,"score":"NaN","seen":false}]"""), "is not a ScoreUpdate"),
        Refused("a negative version", f => With(f.NewMember(), "version", "-4"), "version must be"),
        Refused("the largest version (no room for a deletion marker above it)", f => With(f.NewMember(), "version", "9223372036854775807"), "version must be"),
        Refused("a null source", f => With(f.NewMember(), "source", "null"), "source is null"),
        Refused("a gender over Lucene's term limit (Elasticsearch refuses the document)", f =>
        {
            var member = f.NewMember();
            return (Key(member), ScoreRecords.Value(ScoreUpdates.For(member, 1, gender: new string('F', 40_000))));
        }, "immense term"),
        new("a document Elasticsearch refuses with 400", "dead letter (sink) naming Elasticsearch's refusal; the next update is indexed", async f =>
        {
            var member = f.NewMember();
            f.Run.FailBulkItems(Fail(member, 400));
            await f.DeadLetterAsync(Key(member), ScoreRecords.Value(ScoreUpdates.For(member, 1)), "Elasticsearch refused");
            await f.WitnessAsync();
        }, NeedsFaultInjection: true),
        new("a document Elasticsearch rejects with 429 three times", "retried until written, no dead letter", async f =>
        {
            var member = f.NewMember();
            var refusals = 3;
            f.Run.FailBulkItems(Fail(member, 429, () => Interlocked.Decrement(ref refusals) >= 0));
            await f.ProcessedAsync(Key(member), ScoreRecords.Value(ScoreUpdates.For(member, 1)));
            f.Case.Expect($"member {member} indexed after the retries", async () => await Indexed(f, member) is { Version: 1 });
            await f.WitnessAsync();
        }, NeedsFaultInjection: true),
        new("an update older than the one indexed", "ignored: the newer version stays, no dead letter", async f =>
        {
            var member = f.NewMember();
            await f.ProcessedAsync(Key(member), ScoreRecords.Value(ScoreUpdates.For(member, 5)));
            await f.ProcessedAsync(Key(member), ScoreRecords.Value(ScoreUpdates.For(member, 3)));
            f.Case.Expect($"member {member} at version 5", async () => await Indexed(f, member) is { Version: 5 });
            await f.WitnessAsync();
        }),
        new("scores of 0 and below float's normal range", "written; those movies are left out of the audience field, which refuses them", async f =>
        {
            var member = f.NewMember();
            await f.ProcessedAsync(Key(member), With(member, "scores",
                """[{"movie_id":2,"score":0.5,"seen":false},{"movie_id":3,"score":0,"seen":false},{"movie_id":4,"score":5e-324,"seen":false}]""").Value);
            f.Case.Expect($"member {member} indexed with all three movies", async () => await Indexed(f, member) is { } stored && stored.Movies.Count == 3);
            await f.WitnessAsync();
        }),
        new("the tombstone of a member never indexed", "a deletion marker, no dead letter", async f =>
        {
            var member = f.NewMember();
            await f.ProcessedAsync(Key(member), null);
            await f.WitnessAsync();
        }),
        new("an update of 18,000 movies (near the message limit)", "written whole", async f =>
        {
            var member = f.NewMember();
            await f.ProcessedAsync(Key(member), ScoreRecords.Value(ScoreUpdates.For(member, 1, movies: 18_000)));
            f.Case.Expect($"member {member} indexed with 18,000 movies", async () => await Indexed(f, member) is { } stored && stored.Movies.Count == 18_000);
            await f.WitnessAsync();
        }),
    ];

    public static TheoryData<string> Cases => new(Corpus.Select(c => c.Name));

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task A_hostile_record_leaves_the_sink_running_and_the_updates_behind_it_indexed(string name)
    {
        var poison = Corpus.Single(c => c.Name == name);
        if (poison.NeedsFaultInjection && run.Fake is null) Assert.Skip(ElasticsearchServer.NoFaultInjection);
        Assert.Null(run.Exit);
        var problems = await run.Case(name).OutstandingAsync();
        Assert.True(problems.Count == 0, $"{name} ({poison.Expected}):\n{string.Join("\n", problems)}");
    }

    [Fact]
    public void Nothing_but_the_hostile_records_is_dead_lettered()
    {
        Assert.Null(run.Exit);
        var strays = PoisonCase.Strays(run.DeadLetters, run.Cases);
        Assert.True(strays.Count == 0, string.Join("\n", strays));
    }

    [Fact]
    public async Task The_sink_commits_past_every_record()
    {
        Assert.Null(run.Exit);
        // The sink commits on its own schedule after it wrote: give it the time of a few commits.
        await Poll.UntilAsync(() => run.Progress() is var p && p.Committed.SequenceEqual(p.Ends),
            () => $"committed {string.Join(",", run.Progress().Committed)} of {string.Join(",", run.Progress().Ends)}", TimeSpan.FromSeconds(20),
            TestContext.Current.CancellationToken);
    }

    private static SinkPoison Refused(string name, Func<SinkCaseFeed, (byte[]? Key, byte[]? Value)> record, string reason) =>
        new(name, $"dead letter (sink) naming '{reason}'; the next update is indexed", async f =>
        {
            var (key, value) = record(f);
            await f.DeadLetterAsync(key, value, reason);
            await f.WitnessAsync();
        });

    /// <summary>A valid update of <paramref name="member"/> with one field replaced by raw JSON: what a buggy producer could write.</summary>
    private static (byte[] Key, byte[] Value) With(long member, string field, string json)
    {
        var value = (JsonObject)JsonNode.Parse(ScoreRecords.Value(ScoreUpdates.For(member, 1)))!;
        value[field] = JsonNode.Parse(json);
        return (Key(member), Utf8(value.ToJsonString()));
    }

    /// <summary>A fault rule failing the member's document with <paramref name="status"/> (while <paramref name="still"/> says so).</summary>
    private static Func<BulkItem, int?> Fail(long member, int status, Func<bool>? still = null)
    {
        var id = member.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return item => item.Id == id && (still?.Invoke() ?? true) ? status : null;
    }

    private static Task<Insights.Sinks.Elasticsearch.MemberPropensities?> Indexed(SinkCaseFeed f, long member) =>
        f.Run.Queries.MemberPropensitiesAsync(member, TestContext.Current.CancellationToken);

    private static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);
}
