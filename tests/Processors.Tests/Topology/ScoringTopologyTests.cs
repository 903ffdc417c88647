using Insights.Contracts.Commands;
using Insights.Contracts.Debezium;
using Insights.Contracts.Scores;
using Insights.Contracts.Topics;
using Insights.Processors.DeadLetters;
using Insights.Processors.Movies;
using Insights.Processors.Topology;
using Streamiz.Kafka.Net.Stream;

namespace Insights.Processors.Tests.Topology;

public sealed class ScoringTopologyTests
{
    private static readonly DateTime Day = new(2026, 1, 10, 18, 0, 0, DateTimeKind.Utc);

    /// <summary>Two showing movies, one session each, one member: the minimum a ticket needs.</summary>
    private static (TopologyHarness Harness, CinemaChanges Changes) Cinema(ProcessorOptions? options = null)
    {
        var harness = new TopologyHarness(options);
        var changes = new CinemaChanges();
        harness.Pipe(harness.MoviesTopic, changes.Movie(1, "action,thriller", "now_showing", Day.AddDays(-30)));
        harness.Pipe(harness.MoviesTopic, changes.Movie(2, "comedy", "now_showing", Day.AddDays(-30)));
        harness.Pipe(harness.Sessions, changes.Session(10, 1));
        harness.Pipe(harness.Sessions, changes.Session(20, 2));
        harness.WaitUntil(h => h.Movies.Catalog.Count == 2, "the catalog global store");
        return (harness, changes);
    }

    [Fact]
    public void Each_stage_runs_in_tasks_of_its_own_so_a_restoring_store_stalls_only_its_stage()
    {
        // Streamiz runs a task only once all of its stores are restored: a stage that shared a task with the movie store
        // would wait for its restore (tickets would wait that long for the sessions passed on by the reference stage).
        var stages = Stages(new ProcessorOptions { Model = TestModel.Create(), Partitions = 4, TicketsKeyedByMember = true });

        Assert.Equal(4, stages.Count);
        Assert.Contains(stages, s => s.Sources.SequenceEqual(["cdc.cinema.sessions"]) && s.Stores.Count == 0);
        Assert.Contains(stages, s => s.Sources.SequenceEqual(["cdc.cinema.movies"]) && s.Stores.Count == 0);
        // Tickets keyed by member: the member task reads the tickets and members topics where they are.
        Assert.Contains(stages, s => s.Sources.SequenceEqual(["cdc.cinema.members", "cdc.cinema.tickets"])
            && s.Stores.SequenceEqual([ProcessorTopics.MemberStore, ProcessorTopics.WaitingTicketsStore]));
        Assert.Contains(stages, s => s.Sources.SequenceEqual([ProcessorTopics.CollectiveDeltasRepartition]) && s.Stores.SequenceEqual([ProcessorTopics.MovieStore]));
    }

    [Fact]
    public void A_ticket_keyed_source_takes_the_member_repartition_hop()
    {
        var stages = Stages(new ProcessorOptions { Model = TestModel.Create(), Partitions = 4, TicketsKeyedByMember = false });

        Assert.Equal(5, stages.Count);
        Assert.Contains(stages, s => s.Sources.SequenceEqual(["cdc.cinema.members", "cdc.cinema.tickets"]) && s.Stores.SequenceEqual([ProcessorTopics.WaitingTicketsStore]));
        Assert.Contains(stages, s => s.Sources.SequenceEqual([ProcessorTopics.MemberEventsRepartition]) && s.Stores.SequenceEqual([ProcessorTopics.MemberStore]));
    }

    private static List<(List<string> Sources, List<string> Stores)> Stages(ProcessorOptions options) =>
        ScoringTopology.Build(options, new SharedMovieState(options.Model.Settings, options.GenreNames, options.SessionRetention)).Describe()
            .SubTopologies.Select(s => (
                Sources: s.Nodes.OfType<ISourceNodeDescription>().SelectMany(n => n.Topics).Select(t => t.Replace("-repartition", "")).Order(StringComparer.Ordinal).ToList(),
                Stores: s.Nodes.OfType<IProcessorNodeDescription>().SelectMany(n => n.Stores).Distinct().Order(StringComparer.Ordinal).ToList())).ToList();

    [Fact]
    public void A_ticket_updates_the_members_scores()
    {
        var (harness, changes) = Cinema();
        using var owned = harness;
        harness.Pipe(harness.Tickets, changes.Ticket(100, 7, 10, Day));

        harness.WaitUntil(h => h.Latest().ContainsKey("7"), "member 7's scores");
        var update = harness.Latest()["7"];
        Assert.Equal(7, update.MemberId);
        Assert.Equal("test-1", update.ModelVersion);
        Assert.Equal([1, 2], update.Scores.Select(s => s.MovieId).Order());
        Assert.True(update.Scores.Single(s => s.MovieId == 1).Seen);
        Assert.False(update.Scores.Single(s => s.MovieId == 2).Seen);
        Assert.Equal("binlog.000001", update.Source.File);
        Assert.Equal(ScoreCauses.MemberEvent, update.Cause);
    }

    [Fact]
    public void A_ticket_transferred_to_another_member_moves_the_attendance()
    {
        var (harness, changes) = Cinema();
        using var owned = harness;
        harness.Pipe(harness.Tickets, changes.Ticket(100, 7, 10, Day));
        harness.WaitUntil(h => h.Latest().ContainsKey("7"), "member 7's scores");

        foreach (var change in changes.TicketMoved(100, from: (7, 10), to: (8, 10), Day)) harness.Pipe(harness.Tickets, change);

        harness.WaitUntil(h => h.Latest().TryGetValue("8", out var u) && u.Scores.Single(s => s.MovieId == 1).Seen
            && !h.Latest()["7"].Scores.Single(s => s.MovieId == 1).Seen, "the attendance to move from member 7 to member 8");
    }

    [Fact]
    public void From_a_ticket_keyed_source_a_transfer_is_one_update_and_still_moves_the_attendance()
    {
        var (harness, changes) = Cinema(TicketKeyed);
        using var owned = harness;
        harness.Pipe(harness.Tickets, changes.TicketMovedKeyedByTicket(100, from: (7, 10), to: (7, 10), Day));
        harness.WaitUntil(h => h.Latest().ContainsKey("7"), "member 7's scores");

        harness.Pipe(harness.Tickets, changes.TicketMovedKeyedByTicket(100, from: (7, 10), to: (8, 10), Day));

        harness.WaitUntil(h => h.Latest().TryGetValue("8", out var u) && u.Scores.Single(s => s.MovieId == 1).Seen
            && !h.Latest()["7"].Scores.Single(s => s.MovieId == 1).Seen, "the attendance to move from member 7 to member 8");
        Assert.Empty(harness.DeadLetters);
    }

    [Fact]
    public void A_ticket_not_keyed_by_its_member_is_dead_lettered_naming_the_setting_and_the_next_ticket_is_applied()
    {
        var (harness, changes) = Cinema(TicketKeyed with { TicketsKeyedByMember = true });
        using var owned = harness;

        harness.Pipe(harness.Tickets, changes.TicketMovedKeyedByTicket(100, from: (7, 10), to: (7, 10), Day));
        harness.Pipe(harness.Tickets, changes.Ticket(101, 8, 10, Day));

        harness.WaitUntil(h => h.DeadLetters.Count == 1 && h.Latest().ContainsKey("8"), "one dead letter and member 8's scores");
        var error = TopologyHarness.Header(harness.DeadLetters[0], DeadLetterHeaders.Error);
        Assert.Contains("Processors:TicketsKeyedByMember", error);
        Assert.Contains("""keyed {"ticket_id":100}, not {"member_id":7}""", error);
        Assert.False(harness.Latest().ContainsKey("7"));
    }

    [Fact]
    public void A_ticket_waiting_for_its_session_holds_the_later_tickets_of_its_partition_so_every_attendance_is_counted()
    {
        // Tickets keyed by member keep their CDC offsets as identities: had member 8's later ticket gone first, the movie
        // task would have taken member 7's earlier one for a replay and skipped it.
        var options = new ProcessorOptions
        {
            Model = TestModel.Create(), Partitions = 1, FlushInterval = TimeSpan.FromMilliseconds(100), NeighbourStaleness = 0,
            SessionWait = TimeSpan.FromMinutes(5), TicketsKeyedByMember = true,
        };
        var (harness, changes) = Cinema(options);
        using var owned = harness;

        harness.Pipe(harness.Tickets, changes.Ticket(100, 7, 30, Day)); // session 30 is not known yet
        harness.Pipe(harness.Tickets, changes.Ticket(101, 8, 10, Day));
        harness.Settle(TimeSpan.FromSeconds(1));
        Assert.False(harness.Latest().ContainsKey("8"));

        harness.Pipe(harness.Sessions, changes.Session(30, 2));

        harness.WaitUntil(h => h.Latest().ContainsKey("7") && h.Latest().ContainsKey("8") && h.Movies.AttendancesCounted == 2, "both tickets scored and counted");
    }

    [Fact]
    public void A_ticket_numbers_its_attendance_updates_the_same_whether_it_went_at_once_or_waited_for_its_session()
    {
        // A task restarted after a kill replays its tickets: one that went at once may wait this time (its session not read
        // yet, or queued behind a ticket that waits), or the other way round. Numbered differently, the movie task would
        // take the replay for a new attendance and count it twice.
        var options = new ProcessorOptions
        {
            Model = TestModel.Create(), Partitions = 1, FlushInterval = TimeSpan.FromMilliseconds(100), NeighbourStaleness = 0,
            SessionWait = TimeSpan.FromMinutes(5), TicketsKeyedByMember = true,
        };
        List<(long, int)> Identities(bool sessionKnownFirst)
        {
            var (harness, changes) = Cinema(options);
            using var owned = harness;
            if (sessionKnownFirst)
            {
                harness.Pipe(harness.Sessions, changes.Session(30, 1));
                harness.WaitUntil(h => h.Movies.Sessions.MovieOf(30) == 1, "session 30 in the global store");
            }
            // The first record of the tickets topic in both runs: the same CDC offset.
            harness.Pipe(harness.Tickets, changes.Ticket(100, 7, 30, Day));
            if (!sessionKnownFirst)
            {
                harness.Settle(TimeSpan.FromSeconds(1));
                Assert.Equal(0, harness.Movies.AttendancesCounted);
                harness.Pipe(harness.Sessions, changes.Session(30, 1));
            }
            harness.WaitUntil(h => h.Movies.AttendancesCounted == 1, "the attendance counted");
            return harness.ReadCollectiveUpdates().Select(u => (u.EventOffset, u.Index)).ToList();
        }

        var atOnce = Identities(sessionKnownFirst: true);
        var waited = Identities(sessionKnownFirst: false);

        Assert.NotEmpty(atOnce);
        Assert.Equal(atOnce, waited);
    }

    private static readonly ProcessorOptions TicketKeyed = new()
    {
        Model = TestModel.Create(), Partitions = 1, FlushInterval = TimeSpan.FromMilliseconds(100), NeighbourStaleness = 0,
        SessionWait = TimeSpan.FromSeconds(1), TicketsKeyedByMember = false,
    };

    [Fact]
    public void An_exchanged_ticket_moves_the_attendance_to_the_new_movie()
    {
        var (harness, changes) = Cinema();
        using var owned = harness;
        harness.Pipe(harness.Tickets, changes.Ticket(100, 7, 10, Day));
        harness.WaitUntil(h => h.Latest().ContainsKey("7"), "member 7's scores");

        foreach (var change in changes.TicketMoved(100, from: (7, 10), to: (7, 20), Day)) harness.Pipe(harness.Tickets, change);

        harness.WaitUntil(h => h.Latest()["7"].Scores is var s && !s.Single(x => x.MovieId == 1).Seen && s.Single(x => x.MovieId == 2).Seen,
            "member 7 to hold movie 2 instead of movie 1");
    }

    [Fact]
    public void A_movie_id_out_of_range_is_dead_lettered_and_the_catalog_goes_on()
    {
        var (harness, changes) = Cinema();
        using var owned = harness;

        harness.Pipe(harness.MoviesTopic, changes.Movie(2_000_000_000, "comedy", "now_showing", Day));
        harness.Pipe(harness.MoviesTopic, changes.Movie(3, "comedy", "coming_soon", Day));

        harness.WaitUntil(h => h.DeadLetters.Count == 1 && h.Movies.Catalog.Count == 3, "one dead letter and movie 3 in the catalog");
        Assert.Contains("movie id 2000000000 is out of range", TopologyHarness.Header(harness.DeadLetters[0], DeadLetterHeaders.Error));
    }

    [Fact]
    public void A_member_without_events_of_their_own_is_rescored_within_the_freshness_interval()
    {
        var options = new ProcessorOptions
        {
            Model = TestModel.Create(), Partitions = 1, FlushInterval = TimeSpan.FromMilliseconds(100), NeighbourStaleness = 0,
            SessionWait = TimeSpan.FromSeconds(1), FreshnessInterval = TimeSpan.FromSeconds(1),
        };
        using var harness = new TopologyHarness(options);
        var changes = new CinemaChanges();
        harness.Pipe(harness.MoviesTopic, changes.Movie(1, "action,thriller", "now_showing", Day.AddDays(-30)));
        harness.Pipe(harness.MoviesTopic, changes.Movie(2, "comedy", "now_showing", Day.AddDays(-30)));
        harness.Pipe(harness.Sessions, changes.Session(10, 1));
        harness.Pipe(harness.Sessions, changes.Session(20, 2));
        harness.WaitUntil(h => h.Movies.Catalog.Count == 2, "the catalog global store");
        harness.Pipe(harness.Tickets, changes.Ticket(100, 7, 10, Day));
        harness.WaitUntil(h => h.Latest().ContainsKey("7"), "member 7's scores");
        harness.Settle(TimeSpan.FromSeconds(2));
        var before = harness.Latest()["7"];

        // Other members who saw movie 1 go on to movie 2: a co-attendance and follow signal for member 7.
        for (var member = 8; member < 12; member++)
        {
            harness.Pipe(harness.Tickets, changes.Ticket(member * 10, member, 10, Day.AddDays(1)));
            harness.Pipe(harness.Tickets, changes.Ticket(member * 10 + 1, member, 20, Day.AddDays(2)));
        }

        harness.WaitUntil(h => h.Latest()["7"].Scores.Single(s => s.MovieId == 2).Score > before.Scores.Single(s => s.MovieId == 2).Score,
            "member 7's score for movie 2 to rise with no ticket of their own");
        Assert.True(harness.Latest()["7"].Version > before.Version, "new content carries a higher version");
        Assert.Equal(before.Source, harness.Latest()["7"].Source);
        Assert.Equal(ScoreCauses.Profiles, harness.Latest()["7"].Cause);
    }

    [Fact]
    public void A_replayed_ticket_changes_nothing()
    {
        var (harness, changes) = Cinema();
        using var owned = harness;
        var ticket = changes.Ticket(100, 7, 10, Day);
        harness.Pipe(harness.Tickets, ticket);
        harness.WaitUntil(h => h.Latest().ContainsKey("7"), "member 7's scores");
        var first = harness.Latest()["7"];

        harness.Pipe(harness.Tickets, ticket);
        harness.Settle(TimeSpan.FromSeconds(2));

        Assert.Single(harness.Scores, s => s.Key == "7");
        Assert.Equal(first.Version, harness.Latest()["7"].Version);
    }

    [Fact]
    public void A_refund_retracts_the_attendance()
    {
        var (harness, changes) = Cinema();
        using var owned = harness;
        harness.Pipe(harness.Tickets, changes.Ticket(100, 7, 10, Day));
        harness.WaitUntil(h => h.Latest().TryGetValue("7", out var u) && u.Scores.Any(s => s.Seen), "member 7's first scores");
        var bought = harness.Latest()["7"];

        harness.Pipe(harness.Tickets, changes.Ticket(100, 7, 10, Day, status: "refunded", op: ChangeOperation.Update));
        harness.WaitUntil(h => h.Latest()["7"].Version > bought.Version, "member 7's scores after the refund");

        Assert.All(harness.Latest()["7"].Scores, s => Assert.False(s.Seen));
    }

    [Fact]
    public void A_deleted_member_gets_a_tombstone()
    {
        var (harness, changes) = Cinema();
        using var owned = harness;
        harness.Pipe(harness.Members, changes.Member(7, 1990, "F"));
        harness.Pipe(harness.Tickets, changes.Ticket(100, 7, 10, Day));
        harness.WaitUntil(h => h.Latest().TryGetValue("7", out var u) && u.Scores.Any(s => s.Seen), "member 7's scores");

        harness.Pipe(harness.Members, changes.Member(7, 1990, "F", ChangeOperation.Delete));
        harness.WaitUntil(h => h.Scores[^1] is ("7", null), "member 7's tombstone");

        Assert.False(harness.Latest().ContainsKey("7"));
    }

    [Fact]
    public void Member_demographics_travel_with_the_scores_without_personal_data()
    {
        var (harness, changes) = Cinema();
        using var owned = harness;
        harness.Pipe(harness.Members, changes.Member(7, 1990, "F"));
        harness.WaitUntil(h => h.Latest().ContainsKey("7"), "member 7's scores");

        var update = harness.Latest()["7"];
        Assert.Equal("35-44", update.Demographics?.AgeBand);
        Assert.Equal("F", update.Demographics?.Gender);
        // The member row's name, email, postcode and birth year never reach a subscriber.
        Assert.All(harness.ScoreJson, json =>
        {
            Assert.DoesNotContain("Test Member", json);
            Assert.DoesNotContain("example.invalid", json);
            Assert.DoesNotContain("X1 1XX", json);
            Assert.DoesNotContain("birth", json);
        });
    }

    [Fact]
    public void Malformed_events_are_dead_lettered_with_reasons_and_the_events_around_them_are_processed()
    {
        var (harness, changes) = Cinema();
        using var owned = harness;
        var valid = changes.Ticket(100, 7, 10, Day);
        var missingField = CinemaChanges.Text(System.Text.Encoding.UTF8.GetString(changes.Ticket(101, 8, 10, Day).Value).Replace("\"member_id\"", "\"member\""));
        var unknownOp = CinemaChanges.Text(System.Text.Encoding.UTF8.GetString(changes.Ticket(102, 8, 10, Day).Value).Replace("\"op\":\"c\"", "\"op\":\"x\""));
        var wrongType = CinemaChanges.Text(System.Text.Encoding.UTF8.GetString(changes.Ticket(103, 8, 10, Day).Value).Replace("\"session_id\":10", "\"session_id\":\"ten\""));

        harness.Pipe(harness.Tickets, (CinemaChanges.Text("{\"ticket_id\":104}"), CinemaChanges.Text("not json")));
        harness.Pipe(harness.Tickets, valid);
        harness.Pipe(harness.Tickets, (valid.Key, missingField));
        harness.Pipe(harness.Tickets, (valid.Key, unknownOp));
        harness.Pipe(harness.Tickets, (valid.Key, wrongType));
        harness.Pipe(harness.Tickets, changes.Ticket(105, 9, 99, Day)); // session 99 does not exist
        harness.Pipe(harness.Tickets, changes.Ticket(106, 8, 20, Day));

        harness.WaitUntil(h => h.DeadLetters.Count == 5 && h.Latest().ContainsKey("7") && h.Latest().ContainsKey("8"), "five dead letters and two members' scores");

        var reasons = harness.DeadLetters.Select(d => TopologyHarness.Header(d, DeadLetterHeaders.Error)).ToList();
        Assert.Contains(reasons, r => r.Contains("not JSON"));
        Assert.Contains(reasons, r => r.Contains("member_id"));
        Assert.Contains(reasons, r => r.Contains("unknown Debezium op 'x'"));
        Assert.Contains(reasons, r => r.Contains("session_id"));
        Assert.Contains(reasons, r => r.Contains("session 99"));
        Assert.All(harness.DeadLetters, d =>
        {
            Assert.Equal(harness.Options.TicketsTopic, TopologyHarness.Header(d, DeadLetterHeaders.SourceTopic));
            Assert.Equal("0", TopologyHarness.Header(d, DeadLetterHeaders.SourcePartition));
            Assert.True(long.TryParse(TopologyHarness.Header(d, DeadLetterHeaders.SourceOffset), out _));
        });
        Assert.Equal(["0", "2", "3", "4", "5"], harness.DeadLetters.Select(d => TopologyHarness.Header(d, DeadLetterHeaders.SourceOffset)).Order());
        Assert.False(harness.Latest().ContainsKey("9"));
    }

    [Fact]
    public void A_new_coming_soon_movie_gets_scored_for_every_member()
    {
        var (harness, changes) = Cinema();
        using var owned = harness;
        harness.Pipe(harness.Tickets, changes.Ticket(100, 7, 10, Day));
        harness.Pipe(harness.Tickets, changes.Ticket(101, 8, 20, Day));
        harness.WaitUntil(h => h.Latest().Count == 2, "both members' scores");
        var before = harness.Latest();

        harness.Pipe(harness.MoviesTopic, changes.Movie(3, "comedy", "coming_soon", Day.AddDays(1)));

        harness.WaitUntil(h => h.Latest().Values.All(u => u.Scores.Any(s => s.MovieId == 3)), "scores for movie 3 for every member");
        // A rescore, not an answer to an event: the source position stays the member's last ticket.
        Assert.All(harness.Latest().Values, u => Assert.Equal(ScoreCauses.Catalog, u.Cause));
        Assert.All(harness.Latest(), pair => Assert.Equal(before[pair.Key].Source, pair.Value.Source));
    }

    [Fact]
    public void A_rescore_command_sends_every_members_scores_again_once_though_nothing_changed()
    {
        var (harness, changes) = Cinema();
        using var owned = harness;
        foreach (var member in new[] { 7, 8, 9 }) harness.Pipe(harness.Tickets, changes.Ticket(member * 10, member, 10, Day));
        harness.WaitUntil(h => h.Latest().Count == 3, "three members' scores");
        // The first scores saw the movie profiles before these tickets were counted: a catalog change rescores everyone
        // against the settled profiles, so after it nothing a member would be sent differs from what was sent.
        harness.Settle(TimeSpan.FromSeconds(2));
        harness.Pipe(harness.MoviesTopic, changes.Movie(3, "drama", "coming_soon", Day));
        harness.WaitUntil(h => h.Latest().Values.All(u => u.Scores.Any(s => s.MovieId == 3)), "every member scored for movie 3");
        harness.Settle(TimeSpan.FromSeconds(1));
        var before = harness.Latest();
        var sentBefore = Sent(harness);
        var restore = RescoreCommand.New("snapshot s1 restored to topic");

        harness.Pipe(harness.Commands, Command(restore));

        harness.WaitUntil(h => Sent(h).All(pair => pair.Value == sentBefore[pair.Key] + 1), "every member's scores sent once more");
        // Nothing changed: the same version and content, which the sinks take over the restored, older update.
        Assert.All(harness.Latest(), pair =>
        {
            Assert.Equal(before[pair.Key].Version, pair.Value.Version);
            Assert.Equal(before[pair.Key].Scores, pair.Value.Scores);
            Assert.Equal(ScoreCauses.Command, pair.Value.Cause);
        });

        // The same command read again (the global topic is replayed whole at every worker start): already handled.
        harness.Pipe(harness.Commands, Command(restore));
        harness.Settle(TimeSpan.FromSeconds(2));
        Assert.All(Sent(harness), pair => Assert.Equal(sentBefore[pair.Key] + 1, pair.Value));

        // A new command is handled again.
        harness.Pipe(harness.Commands, Command(RescoreCommand.New("snapshot s2 restored to elasticsearch")));
        harness.WaitUntil(h => Sent(h).All(pair => pair.Value == sentBefore[pair.Key] + 2), "every member's scores sent once more for the new command");
        Assert.Empty(harness.DeadLetters);
    }

    [Fact]
    public void A_rescore_command_walks_the_members_a_batch_per_flush()
    {
        var options = new ProcessorOptions
        {
            Model = TestModel.Create(), Partitions = 1, FlushInterval = TimeSpan.FromMilliseconds(300), NeighbourStaleness = 0,
            SessionWait = TimeSpan.FromSeconds(1), RescoreBatch = 1,
        };
        using var harness = new TopologyHarness(options);
        var changes = new CinemaChanges();
        harness.Pipe(harness.MoviesTopic, changes.Movie(1, "action,thriller", "now_showing", Day.AddDays(-30)));
        harness.Pipe(harness.Sessions, changes.Session(10, 1));
        harness.WaitUntil(h => h.Movies.Catalog.Count == 1, "the catalog global store");
        foreach (var member in new[] { 7, 8, 9 }) harness.Pipe(harness.Tickets, changes.Ticket(member * 10, member, 10, Day));
        harness.WaitUntil(h => h.Latest().Count == 3, "three members' scores");
        harness.Settle(TimeSpan.FromSeconds(1));
        var sentBefore = harness.Scores.Count;

        harness.Pipe(harness.Commands, Command(RescoreCommand.New("snapshot s1 restored to topic")));

        harness.WaitUntil(h => h.Scores.Count == sentBefore + 3, "every member's scores sent once more");
        var resent = harness.Scores.Skip(sentBefore).Select(s => s.Key).ToList();
        Assert.Equal(["7", "8", "9"], resent);
        // One member per flush: the re-sent updates are computed a flush interval apart.
        var computedAt = harness.Scores.Skip(sentBefore).Select(s => s.Update!.ComputedAtMs).ToList();
        Assert.All(computedAt.Zip(computedAt.Skip(1)), pair => Assert.True(pair.Second - pair.First >= 200, $"computed at {string.Join(", ", computedAt)}"));
    }

    private static Dictionary<string, int> Sent(TopologyHarness harness) =>
        harness.Scores.GroupBy(s => s.Key).ToDictionary(g => g.Key, g => g.Count());

    private static (byte[] Key, byte[] Value) Command(RescoreCommand command) => (System.Text.Encoding.UTF8.GetBytes(RescoreCommand.Key), command.Encode());
}
