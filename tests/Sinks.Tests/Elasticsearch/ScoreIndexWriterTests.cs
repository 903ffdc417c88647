using System.Collections.Concurrent;
using System.Diagnostics;
using Insights.Contracts.Scores;
using Insights.Fixtures.Elasticsearch;
using Insights.Sinks.Elasticsearch;
using Insights.TestSupport;

namespace Insights.Sinks.Tests.Elasticsearch;

public sealed class ScoreIndexWriterTests(ElasticsearchServer server) : IClassFixture<ElasticsearchServer>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_100000_update_stream_with_repeats_and_reordering_leaves_exactly_the_final_scores()
    {
        var index = await ScoreIndexUnderTest.CreateAsync(server);
        const int members = 2_000, versions = 45;
        var random = new Random(6);
        // Every version of every member, then 10,000 redeliveries of random earlier ones: 100,000 records.
        var stream = Enumerable.Range(1, members).SelectMany(m => Enumerable.Range(1, versions).Select(v => ScoreUpdates.For(m, v))).ToList();
        for (var i = 0; i < 10_000; i++) stream.Add(stream[random.Next(stream.Count)]);
        Assert.Equal(100_000, stream.Count);
        // Reorder: shuffle fully, so versions of a member arrive in any order, across and within batches.
        random.Shuffle(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(stream));

        foreach (var batch in stream.Chunk(2_000))
            await index.Writer.WriteAsync(batch.Select(ScoreChange.Of), Ct);
        await index.RefreshAsync();

        for (var m = 1; m <= members; m++)
        {
            var expected = ScoreUpdates.For(m, versions);
            var stored = await index.Queries.MemberPropensitiesAsync(m, Ct);
            Assert.NotNull(stored);
            Assert.Equal(versions, stored.Version);
            Assert.Equal(expected.Scores, stored.Movies);
        }
        var count = await index.Client.CountAsync(c => c.Indices(index.Settings.Alias), Ct);
        Assert.Equal(members, count.Count);
    }

    [Fact]
    public async Task A_stale_update_never_overwrites_a_newer_one_and_counts_as_acknowledged()
    {
        var index = await ScoreIndexUnderTest.CreateAsync(server);
        await index.Writer.WriteAsync([ScoreChange.Of(ScoreUpdates.For(7, 5))], Ct);

        var report = await index.Writer.WriteAsync([ScoreChange.Of(ScoreUpdates.For(7, 3)), ScoreChange.Of(ScoreUpdates.For(8, 1))], Ct);

        Assert.Equal((1, 1), (report.Stale, report.Indexed));
        var stored = await index.Queries.MemberPropensitiesAsync(7, Ct);
        Assert.Equal(ScoreUpdates.For(7, 5).Scores, stored!.Movies);
    }

    [Fact]
    public async Task Of_two_updates_with_the_same_version_the_later_is_kept()
    {
        // A worker replaying a member's events after a crash re-emits a version it had emitted, scored with newer profiles.
        var index = await ScoreIndexUnderTest.CreateAsync(server);
        await index.Writer.WriteAsync([ScoreChange.Of(ScoreUpdates.For(7, 5))], Ct);
        var rescored = ScoreUpdates.For(7, 5, movies: 4);

        var report = await index.Writer.WriteAsync([ScoreChange.Of(rescored)], Ct);

        Assert.Equal((0, 1), (report.Stale, report.Indexed));
        var stored = await index.Queries.MemberPropensitiesAsync(7, Ct);
        Assert.Equal(rescored.Scores, stored!.Movies);
    }

    [Fact]
    public async Task A_storm_of_429s_and_503s_for_30_seconds_loses_nothing()
    {
        var fake = server.RequireFake();
        var index = await ScoreIndexUnderTest.CreateAsync(server, bulkMaxDocuments: 100);
        var storm = TimeSpan.FromSeconds(30);
        var clock = Stopwatch.StartNew();
        var requestsBefore = fake.RequestCount;
        using var stop = new CancellationTokenSource();
        // While the storm lasts every request is refused, alternating overload (429) and unavailable (503),
        // with a few dropped connections; FailNext is topped up faster than the writer can use it.
        var weather = Task.Run(async () =>
        {
            var turn = 0;
            fake.AbortNext(3);
            while (clock.Elapsed < storm)
            {
                fake.FailNext(1_000, turn++ % 2 == 0 ? 429 : 503);
                await Task.Delay(250, stop.Token);
            }
            fake.ClearFaults();
        }, stop.Token);

        var updates = Enumerable.Range(1, 3_000).Select(m => ScoreUpdates.For(m, 1)).ToList();
        try
        {
            var report = await index.Writer.WriteAsync(updates.Select(ScoreChange.Of), Ct);
            Assert.Equal(3_000, report.Indexed);
            Assert.True(clock.Elapsed >= storm, $"the writer finished after {clock.Elapsed} inside a {storm} storm");
        }
        finally
        {
            await stop.CancelAsync();
            try { await weather; } catch (OperationCanceledException) { }
            fake.ClearFaults();
        }

        Assert.True(fake.RequestCount - requestsBefore > 60, $"only {fake.RequestCount - requestsBefore} requests: the writer did not retry");
        await index.RefreshAsync();
        var count = await index.Client.CountAsync(c => c.Indices(index.Settings.Alias), Ct);
        Assert.Equal(3_000, count.Count);
        foreach (var m in new[] { 1, 1_500, 3_000 })
            Assert.Equal(updates[m - 1].Scores, (await index.Queries.MemberPropensitiesAsync(m, Ct))!.Movies);
    }

    [Fact]
    public async Task A_partial_bulk_failure_resends_only_the_failed_items()
    {
        var fake = server.RequireFake();
        var index = await ScoreIndexUnderTest.CreateAsync(server);
        var failing = new HashSet<string> { "3", "10", "42" };
        var seen = new ConcurrentDictionary<string, int>();
        fake.FailBulkItems(item =>
        {
            if (item.Index != index.Settings.Alias || item.Id is null) return null;
            var times = seen.AddOrUpdate(item.Id, 1, (_, n) => n + 1);
            // The chosen items fail twice (429 then 503), then succeed.
            return failing.Contains(item.Id) && times <= 2 ? (times == 1 ? 429 : 503) : null;
        });
        try
        {
            var report = await index.Writer.WriteAsync(Enumerable.Range(1, 50).Select(m => ScoreChange.Of(ScoreUpdates.For(m, 1))), Ct);

            Assert.Equal(50, report.Indexed);
            Assert.Equal(3, report.Requests);
            Assert.Equal(6, report.ItemsResent);
        }
        finally { fake.FailBulkItems(null); }

        Assert.All(failing, id => Assert.Equal(3, seen[id]));
        Assert.All(seen.Where(p => !failing.Contains(p.Key)), p => Assert.Equal(1, p.Value));
        Assert.Equal(50, seen.Count);
    }

    [Fact]
    public async Task A_document_the_mapping_refuses_is_reported_rejected_and_every_other_change_is_written()
    {
        var index = await ScoreIndexUnderTest.CreateAsync(server);
        // A gender code over Lucene's 32,766-byte term limit: a valid score record whose document no index takes.
        var refused = ScoreUpdates.For(9, 1, gender: new string('F', 40_000));
        var changes = Enumerable.Range(1, 10).Select(m => ScoreChange.Of(m == 9 ? refused : ScoreUpdates.For(m, 1))).ToList();

        var report = await index.Writer.WriteAsync(changes, Ct);

        var rejected = Assert.Single(report.Rejected);
        Assert.Same(refused, rejected.Change.Update);
        Assert.Equal(400, rejected.Status);
        Assert.Contains("immense term", rejected.Error);
        Assert.Equal(9, report.Indexed);
        Assert.Equal(1, report.Requests); // a per-item refusal needs no second request
        Assert.Equal(9, await index.LiveMembersAsync());
    }

    [Fact]
    public async Task A_bulk_refused_whole_for_one_change_is_split_until_that_change_stands_alone_and_the_rest_is_written()
    {
        var index = await ScoreIndexUnderTest.CreateAsync(server);
        // Request validation refuses a whole bulk for one negative external version.
        var changes = Enumerable.Range(1, 40).Select(m => ScoreChange.Of(ScoreUpdates.For(m, m == 13 ? -1 : 1))).ToList();

        var report = await index.Writer.WriteAsync(changes, Ct);

        var rejected = Assert.Single(report.Rejected);
        Assert.Equal(13, rejected.Change.MemberId);
        Assert.Equal(400, rejected.Status);
        Assert.Contains("action_request_validation_exception", rejected.Error);
        Assert.Equal(39, report.Indexed);
        // Refused: all 40, then 1-20, 11-20, 11-15, 13-15 and 13 alone (6); accepted: 21-40, 1-10, 16-20, 11-12, 14-15 (5).
        Assert.Equal(11, report.Requests);
        Assert.Equal(39, await index.LiveMembersAsync());
    }

    [Fact]
    public async Task A_refusal_that_is_not_about_the_document_fails_the_write_naming_the_member()
    {
        var fake = server.RequireFake();
        var index = await ScoreIndexUnderTest.CreateAsync(server);
        // 403: the sink's key lost its privileges; every other document would be refused alike, so dead-lettering is wrong.
        fake.FailBulkItems(item => item.Index == index.Settings.Alias && item.Id == "9" ? 403 : null);
        try
        {
            var error = await Assert.ThrowsAsync<ElasticsearchRequestException>(() =>
                index.Writer.WriteAsync(Enumerable.Range(1, 10).Select(m => ScoreChange.Of(ScoreUpdates.For(m, 1))), Ct));
            Assert.Contains("member 9", error.Message);
            Assert.Contains("403", error.Message);
        }
        finally { fake.FailBulkItems(null); }
    }

    [Fact]
    public async Task A_500_that_passes_is_retried_and_loses_nothing()
    {
        var fake = server.RequireFake();
        var index = await ScoreIndexUnderTest.CreateAsync(server);
        fake.FailNext(ScoreIndexWriter.InternalErrorRetries - 1, 500);
        try
        {
            var report = await index.Writer.WriteAsync(Enumerable.Range(1, 20).Select(m => ScoreChange.Of(ScoreUpdates.For(m, 1))), Ct);

            Assert.Equal(20, report.Indexed);
            Assert.Equal(ScoreIndexWriter.InternalErrorRetries, report.Requests);
        }
        finally { fake.ClearFaults(); }
        Assert.Equal(20, await index.LiveMembersAsync());
    }

    [Fact]
    public async Task A_500_that_persists_fails_the_write_after_the_bounded_retries()
    {
        var fake = server.RequireFake();
        var index = await ScoreIndexUnderTest.CreateAsync(server);
        var before = fake.RequestCount;
        fake.FailNext(int.MaxValue, 500);
        try
        {
            var error = await Assert.ThrowsAsync<ElasticsearchRequestException>(() =>
                index.Writer.WriteAsync(Enumerable.Range(1, 20).Select(m => ScoreChange.Of(ScoreUpdates.For(m, 1))), Ct));

            Assert.Contains("500", error.Message);
            Assert.Equal(ScoreIndexWriter.InternalErrorRetries + 1, fake.RequestCount - before);
        }
        finally { fake.ClearFaults(); }
    }

    [Fact]
    public async Task A_bulk_item_answered_500_each_time_fails_the_write_naming_the_member_after_the_bounded_retries()
    {
        var fake = server.RequireFake();
        var index = await ScoreIndexUnderTest.CreateAsync(server);
        var tries = 0;
        fake.FailBulkItems(item =>
        {
            if (item.Index != index.Settings.Alias || item.Id != "5") return null;
            Interlocked.Increment(ref tries);
            return 500;
        });
        try
        {
            var error = await Assert.ThrowsAsync<ElasticsearchRequestException>(() =>
                index.Writer.WriteAsync(Enumerable.Range(1, 10).Select(m => ScoreChange.Of(ScoreUpdates.For(m, 1))), Ct));

            Assert.Contains("member 5", error.Message);
            Assert.Equal(ScoreIndexWriter.InternalErrorRetries + 1, tries);
        }
        finally { fake.FailBulkItems(null); }
        Assert.Equal(9, await index.LiveMembersAsync()); // the others were acknowledged on the first request
    }

    [Fact]
    public async Task A_member_tombstone_deletes_the_members_document()
    {
        var index = await ScoreIndexUnderTest.CreateAsync(server);
        await index.Writer.WriteAsync([ScoreChange.Of(ScoreUpdates.For(1, 4)), ScoreChange.Of(ScoreUpdates.For(2, 4))], Ct);

        var report = await index.Writer.WriteAsync([ScoreChange.Delete(1), ScoreChange.Delete(99)], Ct);

        Assert.Equal(2, report.Deleted); // 99 never existed: already gone is acknowledged too
        Assert.Null(await index.Queries.MemberPropensitiesAsync(1, Ct));
        Assert.NotNull(await index.Queries.MemberPropensitiesAsync(2, Ct));
        await index.RefreshAsync();
        Assert.DoesNotContain((await index.Queries.TopAudienceAsync(new AudienceQuery(1, 10), Ct)).Members, m => m.MemberId == 1);
    }
}

public sealed class TombstoneTests : IAsyncLifetime
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private readonly ManualClock clock = new();
    private ElasticsearchFake fake = null!;

    public async ValueTask InitializeAsync() => fake = await ElasticsearchFake.StartAsync(clock);

    public ValueTask DisposeAsync() => fake.DisposeAsync();

    [Fact]
    public async Task A_replayed_older_update_after_a_tombstone_leaves_the_member_deleted_even_after_gc_deletes()
    {
        var index = await ScoreIndexUnderTest.CreateAsync(fake.BaseUri);
        await index.Writer.WriteAsync([ScoreChange.Of(ScoreUpdates.For(1, 5)), ScoreChange.Of(ScoreUpdates.For(2, 5))], Ct);
        var deleted = await index.Writer.WriteAsync([ScoreChange.Delete(1)], Ct);
        // Past index.gc_deletes (60 s): a plain or versioned delete would have forgotten its version by now.
        clock.Advance(TimeSpan.FromMinutes(5));

        var replay = await index.Writer.WriteAsync([ScoreChange.Of(ScoreUpdates.For(1, 5)), ScoreChange.Of(ScoreUpdates.For(1, 3))], Ct);

        Assert.Equal(1, deleted.Deleted);
        Assert.Equal(1, replay.Stale); // collapsed to v5, refused by the marker
        Assert.Null(await index.Queries.MemberPropensitiesAsync(1, Ct));
        await index.RefreshAsync();
        Assert.DoesNotContain((await index.Queries.TopAudienceAsync(new AudienceQuery(1, 10), Ct)).Members, m => m.MemberId == 1);
        Assert.Equal(1, await index.LiveMembersAsync());
    }

    [Fact]
    public async Task A_tombstone_in_the_same_batch_as_the_update_it_deletes_outranks_that_update()
    {
        var index = await ScoreIndexUnderTest.CreateAsync(fake.BaseUri);
        await index.Writer.WriteAsync([ScoreChange.Of(ScoreUpdates.For(1, 3))], Ct);

        // v5 never reaches Elasticsearch (the batch collapses to the tombstone), yet a later replay of it must lose.
        await index.Writer.WriteAsync([ScoreChange.Of(ScoreUpdates.For(1, 5)), ScoreChange.Delete(1)], Ct);
        clock.Advance(TimeSpan.FromMinutes(5));
        var replay = await index.Writer.WriteAsync([ScoreChange.Of(ScoreUpdates.For(1, 5))], Ct);

        Assert.Equal(1, replay.Stale);
        Assert.Null(await index.Queries.MemberPropensitiesAsync(1, Ct));
    }

    [Fact]
    public async Task A_repeated_tombstone_writes_nothing_more()
    {
        var index = await ScoreIndexUnderTest.CreateAsync(fake.BaseUri);
        await index.Writer.WriteAsync([ScoreChange.Of(ScoreUpdates.For(1, 5))], Ct);
        await index.Writer.WriteAsync([ScoreChange.Delete(1)], Ct);

        var again = await index.Writer.WriteAsync([ScoreChange.Delete(1), ScoreChange.Delete(404)], Ct);

        Assert.Equal(2, again.Deleted);
        Assert.Equal(0, again.Requests); // both already gone: no bulk at all
        Assert.Null(await index.Queries.MemberPropensitiesAsync(1, Ct));
    }
}

/// <summary>A clock the test moves by hand (the fake reads it for `index.gc_deletes`).</summary>
public sealed class ManualClock : TimeProvider
{
    private DateTimeOffset now = new(2026, 11, 24, 12, 0, 0, TimeSpan.Zero);
    public override DateTimeOffset GetUtcNow() => now;
    public void Advance(TimeSpan by) => now += by;
}
