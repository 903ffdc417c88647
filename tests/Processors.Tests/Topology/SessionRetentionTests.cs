using System.Text;
using Insights.Contracts.Debezium;
using Insights.Contracts.Topics;
using Insights.Processors.Movies;
using Insights.Processors.Topology;
using Streamiz.Kafka.Net;
using Streamiz.Kafka.Net.Mock;
using Streamiz.Kafka.Net.SerDes;

namespace Insights.Processors.Tests.Topology;

/// <summary>Sessions leave the workers' memory with their showtime's retention; tickets of dropped sessions get a dead letter.</summary>
public sealed class SessionRetentionTests
{
    private static readonly DateTime Opening = new(2023, 1, 2, 20, 0, 0, DateTimeKind.Utc);

    [Fact]
    public void Sessions_spanning_more_than_the_retention_stay_bounded_while_a_retained_sessions_ticket_is_scored_and_a_dropped_ones_refund_is_dead_lettered()
    {
        // An hour's session wait: a dead letter within the test's deadline comes from the retention, not from the wait.
        using var harness = new TopologyHarness(new ProcessorOptions
        {
            Model = TestModel.Create(), Partitions = 1, FlushInterval = TimeSpan.FromMilliseconds(100), NeighbourStaleness = 0,
            SessionWait = TimeSpan.FromHours(1),
        });
        var changes = new CinemaChanges();
        harness.Pipe(harness.MoviesTopic, changes.Movie(1, "comedy", "now_showing", Opening.AddDays(-30)));
        harness.Pipe(harness.MoviesTopic, changes.Movie(2, "drama", "now_showing", Opening.AddDays(-30)));
        const int days = 1000, perDay = 3;
        for (var day = 0; day < days; day++)
            for (var i = 0; i < perDay; i++)
                harness.Pipe(harness.Sessions, changes.Session(day * perDay + i + 1, 1 + i % 2, startsAt: Opening.AddDays(day).AddHours(i)));
        const int lastSession = days * perDay;
        var lastShow = Opening.AddDays(days - 1).AddHours(perDay - 1);
        harness.WaitUntil(h => h.Movies.Sessions.MovieOf(lastSession) is not null && h.Movies.Catalog.Count == 2, "the last session and the catalog");

        var horizon = lastShow - harness.Options.SessionRetention;
        var held = Enumerable.Range(0, days).Sum(day => Enumerable.Range(0, perDay).Count(i => Opening.AddDays(day).AddHours(i) >= horizon));
        Assert.InRange(held, 400 * perDay, 401 * perDay);
        Assert.Equal(held, harness.Movies.Sessions.Count);
        Assert.Equal(held, harness.Movies.Sessions.Indexed);
        Assert.Equal(days * perDay - held, harness.Movies.Sessions.Expired);

        harness.Pipe(harness.Tickets, changes.Ticket(100, 7, lastSession, lastShow.AddHours(-3)));
        // A late refund of a ticket for the first showtime, then the same member's next ticket, which must not wait behind it.
        harness.Pipe(harness.Tickets, changes.Ticket(101, 8, 1, Opening.AddDays(-1), "refunded", ChangeOperation.Update));
        harness.Pipe(harness.Tickets, changes.Ticket(102, 8, lastSession - 1, lastShow.AddHours(-4)));

        harness.WaitUntil(h => h.Latest().ContainsKey("7") && h.Latest().ContainsKey("8") && h.DeadLetters.Count == 1, "both members' scores and one dead letter");
        Assert.True(harness.Latest()["7"].Scores.Single(s => s.MovieId == 1 + (perDay - 1) % 2).Seen);
        Assert.True(harness.Latest()["8"].Scores.Single(s => s.MovieId == 1 + (perDay - 2) % 2).Seen);
        var letter = harness.DeadLetters.Single();
        Assert.Equal("session-expired", TopologyHarness.Header(letter, DeadLetterHeaders.Stage));
        var reason = TopologyHarness.Header(letter, DeadLetterHeaders.Error);
        Assert.Contains("ticket 101 refers to session 1, which is not held: the ticket was bought at 2023-01-01 20:00:00Z, before the session retention horizon", reason);
        Assert.Contains("Processors:SessionRetentionDays", reason);
        Assert.Equal(harness.Options.TicketsTopic, TopologyHarness.Header(letter, DeadLetterHeaders.SourceTopic));
        Assert.Equal("101", Encoding.UTF8.GetString(letter.Message.Key));
    }

    [Fact]
    public void A_deleted_session_leaves_the_map()
    {
        using var harness = new TopologyHarness();
        var changes = new CinemaChanges();
        harness.Pipe(harness.Sessions, changes.Session(10, 1));
        harness.Pipe(harness.Sessions, changes.Session(20, 2));
        harness.WaitUntil(h => h.Movies.Sessions.MovieOf(10) == 1 && h.Movies.Sessions.MovieOf(20) == 2, "sessions 10 and 20");

        harness.Pipe(harness.Sessions, changes.Session(10, 1, ChangeOperation.Delete));

        harness.WaitUntil(h => h.Movies.Sessions.MovieOf(10) is null, "session 10's delete");
        Assert.Equal(1, harness.Movies.Sessions.Count);
        Assert.Equal(0, harness.Movies.Sessions.Expired);
    }

    [Fact]
    public void The_sessions_global_store_holds_nothing_its_updater_feeds_the_bounded_map_only()
    {
        // The synchronous driver exposes global stores; the sessions topic is piped in directly, as the sessions stage writes it.
        var options = new ProcessorOptions { Model = TestModel.Create(), Partitions = 1 };
        var movies = new SharedMovieState(options.Model.Settings, options.GenreNames, options.SessionRetention);
        var stateDir = Directory.CreateTempSubdirectory("insights-processors-tests-").FullName;
        try
        {
            var config = new StreamConfig<ByteArraySerDes, ByteArraySerDes> { ApplicationId = $"sessions-{Guid.NewGuid():N}", StateDir = stateDir };
            using var driver = new TopologyTestDriver(ScoringTopology.Build(options, movies), config, TopologyTestDriver.Mode.SYNC_TASK);
            var sessions = driver.CreateInputTopic<byte[], byte[]>(ProcessorTopics.Sessions);
            var startsAt = new DateTimeOffset(CinemaChanges.SessionStart).ToUnixTimeMilliseconds();
            for (var id = 1; id <= 100; id++) sessions.PipeInput(Encoding.UTF8.GetBytes(id.ToString()), new SessionEntry(3, startsAt, startsAt).Encode());

            Assert.Equal(100, movies.Sessions.Count);
            var store = driver.GetKeyValueStore<string, byte[]>(ScoringTopology.SessionsStore);
            Assert.NotNull(store);
            Assert.Empty(store.All());
        }
        finally { Directory.Delete(stateDir, recursive: true); }
    }
}
