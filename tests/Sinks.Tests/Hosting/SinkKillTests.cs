using Insights.Fixtures.Elasticsearch;
using Insights.Sinks.Elasticsearch;
using Insights.Sinks.Tests.Kafka;
using Insights.TestSupport;

namespace Insights.Sinks.Tests.Hosting;

/// <summary>
/// `insights sink` as a child process, killed with SIGKILL while Elasticsearch (the fake, slowed down) is in the
/// middle of its bulk requests, then started again: the index ends with exactly each member's final scores.
/// </summary>
public sealed class SinkKillTests(ScoreTopics kafka, ElasticsearchServer elasticsearch)
    : IClassFixture<ScoreTopics>, IClassFixture<ElasticsearchServer>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private const int Members = 1_500, Versions = 8;

    [Fact]
    public async Task A_sink_killed_mid_batch_and_restarted_ends_with_exactly_the_final_scores_per_member()
    {
        var fake = elasticsearch.RequireFake();
        var alias = ElasticsearchServer.UniqueName("killed");
        var group = $"sink-kill-{Guid.NewGuid():N}";
        // Each member's versions arrive out of order, with redeliveries; every 50th member ends with a tombstone.
        var random = new Random(11);
        var changes = new List<ScoreChange>();
        foreach (var member in Enumerable.Range(1, Members))
        {
            var versions = Enumerable.Range(1, Versions).Select(v => (long)v).ToArray();
            random.Shuffle(versions);
            changes.AddRange(versions.Concat(versions.Take(2)).Select(v => ScoreChange.Of(ScoreUpdates.For(member, v, movies: 10))));
            if (member % 50 == 0) changes.Add(ScoreChange.Delete(member));
        }
        // Interleave members, keeping each member's own order (the order its partition holds).
        var stream = changes.GroupBy(c => c.MemberId).SelectMany(g => g.Select((c, i) => (c, i))).OrderBy(p => p.i).ThenBy(p => random.Next()).Select(p => p.c);
        await kafka.ProduceAsync(stream);
        var total = kafka.HighWatermarks().Sum();
        Assert.Equal(changes.Count, total);

        var settings = new Dictionary<string, string>
        {
            ["Kafka__BootstrapServers"] = kafka.BootstrapServers,
            ["Elasticsearch__Url"] = fake.BaseUri.ToString(), ["Elasticsearch__Alias"] = alias, ["Elasticsearch__ConsumerGroup"] = group,
            ["Elasticsearch__BulkMaxDocuments"] = "100", ["Elasticsearch__BulkMaxWaitMs"] = "50",
            ["Elasticsearch__RetryBaseDelayMs"] = "20", ["Elasticsearch__RetryMaxDelayMs"] = "500",
            ["Snapshots__IntervalSeconds"] = "0",
        };
        fake.DelayEachRequest(TimeSpan.FromMilliseconds(40)); // a loaded cluster: the sink spends its time inside requests
        InsightsProcess? sink = null;
        try
        {
            sink = InsightsProcess.Start("sink", settings, "sink");
            // Kill once a good part of the load went through and while a bulk request is being answered: the batch it
            // belongs to is written in part and not committed.
            var requestsAtStart = fake.RequestCount;
            await Poll.UntilAsync(() => Running(sink) && fake.RequestCount - requestsAtStart > 40 && fake.InFlightRequestCount > 0,
                () => $"the sink to be busy writing\n{sink.Tail()}", Deadline, Ct, TimeSpan.FromMilliseconds(20));
            sink.Kill();
            var committedAtKill = kafka.Committed(group).Sum(o => Math.Max(o, 0));
            Assert.True(committedAtKill < total, $"the sink had committed all {total} records before the kill; the test proves nothing");

            sink.Dispose();
            sink = InsightsProcess.Start("sink again", settings, "sink");
            var restarted = sink;
            await Poll.UntilAsync(() => Running(restarted) && kafka.Committed(group).SequenceEqual(kafka.HighWatermarks()),
                () => $"the restarted sink to commit every record (committed {string.Join(",", kafka.Committed(group))} of " +
                      $"{string.Join(",", kafka.HighWatermarks())})\n{restarted.Tail()}", Deadline, Ct);
        }
        finally
        {
            sink?.Dispose();
            fake.ClearFaults();
        }

        var client = new ElasticsearchSettings { Url = fake.BaseUri.ToString(), Alias = alias }.CreateClient();
        var queries = new AudienceQueries(client, new ElasticsearchSettings { Url = fake.BaseUri.ToString(), Alias = alias });
        var wrong = new List<string>();
        foreach (var member in Enumerable.Range(1, Members))
        {
            var stored = await queries.MemberPropensitiesAsync(member, Ct);
            if (member % 50 == 0) { if (stored is not null) wrong.Add($"member {member} is deleted but has version {stored.Version}"); continue; }
            if (stored is null) { wrong.Add($"member {member} is missing"); continue; }
            if (stored.Version != Versions) wrong.Add($"member {member} has version {stored.Version}, not {Versions}");
            else if (!stored.Movies.SequenceEqual(ScoreUpdates.For(member, Versions, movies: 10).Scores)) wrong.Add($"member {member} has other scores than version {Versions}'s");
        }
        Assert.True(wrong.Count == 0, $"{wrong.Count} members differ, e.g. {string.Join("; ", wrong.Take(5))}");
        var refreshed = await client.Indices.RefreshAsync(alias, Ct);
        Assert.True(refreshed.IsValidResponse, refreshed.DebugInformation);
        var count = await client.CountAsync(c => c.Indices(alias), Ct);
        Assert.Equal(Members, count.Count); // one document per member: scores, or a deletion marker
    }

    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(120);

    /// <summary>True while the child runs; a child that exited fails the test at once with its last lines.</summary>
    private static bool Running(InsightsProcess child) =>
        !child.HasExited ? true : throw new Xunit.Sdk.XunitException($"{child.Name} exited with {child.ExitCode}:\n{child.Tail()}");
}
