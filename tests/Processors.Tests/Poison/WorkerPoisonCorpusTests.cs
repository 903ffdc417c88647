using Insights.Contracts.Debezium;
using Insights.Contracts.Scores;
using Insights.Contracts.Topics;
using Insights.Fixtures.Kafka;
using Insights.Fixtures.Poison;
using Insights.Processors.DeadLetters;
using Insights.Processors.Events;
using Insights.Processors.Movies;
using Insights.Processors.Tests.Parsing;
using Insights.Processors.Topology;
using Insights.TestSupport;
using static Insights.Processors.Tests.Poison.CaseFeed;

namespace Insights.Processors.Tests.Poison;

/// <summary>One hostile input of the worker corpus: what it is, what must come of it, and how it is sent.</summary>
public sealed record WorkerPoison(string Name, string Expected, Func<CaseFeed, Task> Send, bool HoldsItsPartition = false, bool RunsAlone = false)
{
    public override string ToString() => Name;
}

/// <summary>
/// The worker's poison corpus through a real `insights worker` process (<see cref="WorkerPoisonRun"/>): malformed and
/// hostile change events, ids out of range, ticket transfers and exchanges, a huge member, records on internal topics
/// written by something else. For every case the worker stays up, each hostile record is one dead letter naming its
/// reason and origin (or is processed as the case says), and the good record sent behind it on the same partition is
/// scored within 30 s.
/// </summary>
public sealed class WorkerPoisonCorpusTests(WorkerPoisonRun run) : IClassFixture<WorkerPoisonRun>
{
    private const string Tickets = "tickets", Members = "members", Sessions = "sessions", Movies = "movies";
    private static readonly DateTime At = SyntheticCinema.Start.AddDays(1);
    private static readonly byte[] Key = Utf8("""{"id":1}""");

    public static readonly IReadOnlyList<WorkerPoison> Corpus =
    [
        // Not a change event at all.
        Parse("not JSON", Tickets, _ => Utf8("{not json"), "change event is not JSON"),
        Parse("bytes that are not UTF-8", Tickets, _ => [0x7b, 0xc3, 0x28, 0x7d], "change event is not JSON"),
        Parse("a JSON array", Tickets, _ => Utf8("[1,2,3]"), "must be a JSON object, got Array"),
        Parse("a JSON string", Tickets, _ => Utf8("\"c\""), "must be a JSON object, got String"),
        Parse("an empty object", Tickets, _ => Utf8("{}"), "no 'op' string"),
        Parse("nesting 10,000 deep", Tickets, f => Ticket(f, "after", new string('[', 10_000) + new string(']', 10_000)), "change event is not JSON"),
        Parse("a schema envelope whose payload is a number", Tickets, _ => Utf8("""{"schema":{},"payload":7}"""), "InvalidOperationException"),
        // An envelope with a hostile field.
        Parse("an unknown op", Tickets, f => Ticket(f, "op", "\"x\""), "unknown Debezium op 'x'"),
        Parse("a truncate event", Tickets, f => Ticket(f, "op", "\"t\""), "truncate events are not applied"),
        Parse("source that is a string", Tickets, f => Ticket(f, "source", "\"mariadb\""), "no 'source' object"),
        Parse("source.ts_ms that is text", Tickets, f => Ticket(f, "source.ts_ms", "\"soon\""), "'source' is invalid"),
        Parse("a create without its after image", Tickets, f => Ticket(f, "after", "null"), "has no 'after' row"),
        Parse("a delete without its before image", Tickets, f => EnvelopeEdits.Replace(
            f.Changes.Ticket(f.NewTicket(), f.NewMember(), 1, At, op: ChangeOperation.Delete).Value, "before", "null"), "delete event has no 'before' row"),
        Parse("ts_ms past the range of doubles", Tickets, f => Ticket(f, "ts_ms", "1e400"), "FormatException"),
        Parse("a member id that is a string", Tickets, f => Ticket(f, "after.member_id", "\"7\""), "column 'member_id' must be a Number"),
        Parse("a null member id", Tickets, f => Ticket(f, "after.member_id", "null"), "column 'member_id' is null"),
        Parse("a member id past 32 bits", Tickets, f => Ticket(f, "after.member_id", "3000000000"), "column 'member_id' is not a 32-bit integer"),
        Parse("a negative member id", Tickets, f => Ticket(f, "after.member_id", "-7"), "member id -7 is out of range"),
        Parse("a negative session id", Tickets, f => Ticket(f, "after.session_id", "-1"), "session id -1 is out of range"),
        Parse("an unknown ticket status", Tickets, f => Ticket(f, "after.status", "\"stolen\""), "unknown status 'stolen'"),
        Parse("a price that is a JSON number", Tickets, f => Ticket(f, "after.price", "12.5"), "column 'price'"),
        Parse("a purchase time past the range of dates", Tickets, f => Ticket(f, "after.purchased_at", "922337203685477"), "past the range of dates"),
        Parse("a ticket update that changes the ticket id", Tickets, f => EnvelopeEdits.Replace(
            f.Changes.TicketMovedKeyedByTicket(f.NewTicket(), (f.NewMember(), 1), (f.NewMember(), 1), At).Value, "before.ticket_id", "999"), "changes the ticket id"),
        Parse("member id zero", Members, f => EnvelopeEdits.Replace(f.Changes.Member(f.NewMember(), 1980, "F").Value, "after.member_id", "0"), "member id 0 is out of range"),
        Parse("a member's updated_at that is not ISO-8601", Members, f => EnvelopeEdits.Replace(
            f.Changes.Member(f.NewMember(), 1980, "F").Value, "after.updated_at", "\"yesterday\""), "column 'updated_at'"),
        Parse("a session of movie 2,000,000,000", Sessions, f => f.Changes.Session(f.Run.NextSession(), 2_000_000_000).Value, "movie id 2000000000 is out of range"),
        Parse("a session of a negative movie", Sessions, f => f.Changes.Session(f.Run.NextSession(), -3).Value, "movie id -3 is out of range"),
        Parse("session id zero", Sessions, f => f.Changes.Session(0, 1).Value, "session id 0 is out of range"),
        Parse("movie id 2,000,000,000", Movies, f => f.Changes.Movie(2_000_000_000, "drama", "now_showing", At).Value, "movie id 2000000000 is out of range"),
        Parse("a genre outside the schema", Movies, f => f.Changes.Movie(f.Run.NextMovie(), "action,sorcery", "now_showing", At).Value, "unknown genre 'sorcery'"),
        Parse("an unknown movie status", Movies, f => f.Changes.Movie(f.Run.NextMovie(), "drama", "banned", At).Value, "unknown status 'banned'"),
        new("a ~1 MB record whose dead letter is over the message limit", "one dead letter (parse, then produce: the start of the value, marked truncated); the next ticket is processed", async f =>
        {
            var origin = await f.DeadLetterAsync(Cdc(Tickets), f.Partition, Key, Utf8("<" + new string('x', 999_898) + ">"), StreamErrorDeadLetters.ProduceStage,
                "writing to insights.deadletter");
            f.Expect("the dead letter to keep the parse reason and say what was cut", () => f.Run.DeadLetters.Records.Any(l => PoisonCase.Names(l, origin)
                && RecordedTopic.Headers(l, DeadLetterHeaders.Error).Any(e => e.Contains("change event is not JSON"))
                && RecordedTopic.Header(l, DeadLetterHeaders.Truncated) is { } cut && cut.StartsWith("value 999900 bytes, first ")));
            await f.TicketWitnessAsync();
        }),

        // Odd but valid: processed, never dead-lettered.
        new("a tombstone", "dropped without a dead letter; the next ticket is processed", async f =>
        {
            await f.ProcessedAsync(Cdc(Tickets), f.Partition, (Key, null));
            await f.TicketWitnessAsync();
        }),
        new("a ticket whose key is not UTF-8", "dead letter (parse) naming Processors:TicketsKeyedByMember, with the key as sent", async f =>
        {
            await f.DeadLetterAsync(Cdc(Tickets), f.Partition, [0xff, 0xfe, 0x00], f.Changes.Ticket(f.NewTicket(), f.NewMember(), 2, At).Value, "parse",
                "Processors:TicketsKeyedByMember is true");
            await f.TicketWitnessAsync();
        }),
        new("a birth year in the future", "processed: the member is scored without an age band", async f =>
        {
            var member = f.NewMember();
            await f.ProcessedAsync(Cdc(Members), f.Partition, f.Changes.Member(member, 2999, "F"));
            f.Expect($"member {member} scored with gender F and no age band", () => f.Run.Score(member) is { Demographics: { AgeBand: null, Gender: "F" } });
            await f.MemberWitnessAsync();
        }),
        new("the delete of a member never seen", "nothing to do, no dead letter; the next member is processed", async f =>
        {
            await f.ProcessedAsync(Cdc(Members), f.Partition, f.Changes.Member(f.NewMember(), null, null, ChangeOperation.Delete));
            await f.MemberWitnessAsync();
        }),
        new("the largest movie id allowed (1,000,000)", "processed: a member who buys it sees it", f => f.MovieWitnessAsync(Insights.Processors.Parsing.ChangeParsing.MaxMovieId)),
        new("a ticket transfer to another member", "the first member no longer holds the movie, the second does, counted once", async f =>
        {
            var (from, to, ticket) = (f.NewMember(), f.NewMember(), f.NewTicket());
            await f.ProcessedAsync(Cdc(Tickets), f.Partition, f.Changes.Ticket(ticket, from, 5, At));
            foreach (var change in f.Changes.TicketMoved(ticket, (from, 5), (to, 5), At)) await f.ProcessedAsync(Cdc(Tickets), f.Partition, change);
            f.Expect($"member {from} not to hold movie 5", () => f.Run.Score(from) is { } s && !Seen(s, 5));
            f.Expect($"member {to} to hold movie 5", () => f.Run.Score(to) is { } s && Seen(s, 5));
            f.Expect("movie 5 counted once", () => f.Run.ProfileCounts().GetValueOrDefault(5) == 1);
            await f.TicketWitnessAsync();
        }),
        new("a ticket exchange to another session", "the member holds the new session's movie instead of the old one's", async f =>
        {
            var (member, ticket) = (f.NewMember(), f.NewTicket());
            await f.ProcessedAsync(Cdc(Tickets), f.Partition, f.Changes.Ticket(ticket, member, 6, At));
            foreach (var change in f.Changes.TicketMoved(ticket, (member, 6), (member, 7), At)) await f.ProcessedAsync(Cdc(Tickets), f.Partition, change);
            f.Expect($"member {member} to hold movie 7 and not 6", () => f.Run.Score(member) is { } s && Seen(s, 7) && !Seen(s, 6));
            f.Expect("movie 6 counted 0 times and movie 7 once", () => f.Run.ProfileCounts() is var c && c.GetValueOrDefault(6) == 0 && c.GetValueOrDefault(7) == 1);
            await f.TicketWitnessAsync();
        }),
        new("the same ticket twice (a replay)", "counted once", async f =>
        {
            var (member, ticket) = (f.NewMember(), f.NewTicket());
            var purchase = f.Changes.Ticket(ticket, member, 9, At);
            await f.ProcessedAsync(Cdc(Tickets), f.Partition, purchase);
            await f.ProcessedAsync(Cdc(Tickets), f.Partition, purchase);
            f.Expect($"member {member} to hold movie 9, counted once", () => f.Run.Score(member) is { } s && Seen(s, 9) && f.Run.ProfileCounts().GetValueOrDefault(9) == 1);
            await f.TicketWitnessAsync();
        }),
        new("the refund of a ticket never bought", "nothing to retract, no dead letter", async f =>
        {
            await f.ProcessedAsync(Cdc(Tickets), f.Partition, f.Changes.Ticket(f.NewTicket(), f.NewMember(), 10, At, "refunded", ChangeOperation.Update));
            f.Expect("movie 10 not counted", () => f.Run.ProfileCounts().GetValueOrDefault(10) == 0);
            await f.TicketWitnessAsync();
        }),
        new("a ticket for a session that never arrives", "dead letter (session-join) after the session wait; the partition waits that long, by design", async f =>
        {
            f.Case.MayHoldItsPartitionFor(WorkerPoisonRun.SessionWait + TimeSpan.FromSeconds(10));
            var ticket = f.Changes.Ticket(f.NewTicket(), f.NewMember(), 777_777, At);
            await f.DeadLetterAsync(Cdc(Tickets), f.Partition, ticket.Key, ticket.Value, "session-join", "refers to session 777777, which is unknown");
            await f.TicketWitnessAsync();
        }, HoldsItsPartition: true),
        new("a guest account: 1,500 tickets in one burst, then deleted", "the member holds its newest 500 (the run's model limit), counted once each; its delete withdraws them all", async f =>
        {
            var member = f.NewMember();
            var tickets = Enumerable.Range(0, 3 * WorkerPoisonRun.AttendanceLimit).Select(i => f.Changes.Ticket(f.NewTicket(), member, 13 + i % 2, At.AddMinutes(i)));
            await f.Run.SendManyAsync(Cdc(Tickets), f.Partition, tickets.Select(t => ((byte[]?)t.Key, (byte[]?)t.Value)).ToList());
            await Poll.UntilAsync(() => f.Run.Score(member) is { } s && Seen(s, 13) && Seen(s, 14)
                    && f.Run.ProfileCounts() is var c && c.GetValueOrDefault(13) == WorkerPoisonRun.AttendanceLimit / 2 && c.GetValueOrDefault(14) == WorkerPoisonRun.AttendanceLimit / 2,
                () => $"member {member} to hold movies 13 and 14, each counted {WorkerPoisonRun.AttendanceLimit / 2} times (its newest {WorkerPoisonRun.AttendanceLimit} tickets); counts now {string.Join(", ", f.Run.ProfileCounts().Where(c => c.Key is 13 or 14))}",
                TimeSpan.FromSeconds(90), TestContext.Current.CancellationToken);
            var delete = f.Changes.Member(member, null, null, ChangeOperation.Delete);
            await f.Run.SendManyAsync(Cdc(Members), f.Partition, [(delete.Key, delete.Value)]);
            f.Expect($"member {member} deleted: tombstoned, movies 13 and 14 counted 0 times", () => f.Run.Score(member) is null
                && f.Run.ProfileCounts() is var c && c.GetValueOrDefault(13) == 0 && c.GetValueOrDefault(14) == 0);
            await f.TicketWitnessAsync();
        }, RunsAlone: true),

        // Internal topics written by something other than the topology. (The member repartition topic is read only from a
        // ticket-keyed source: StreamErrorDeadLettersTests feeds it bytes that are no member event.)
        new("bytes that are no collective batch on the collective topic", "dead letter (movie); the movie partition applies the next batch", async f =>
        {
            var topic = ProcessorTopics.RepartitionTopic(WorkerPoisonRun.ApplicationId, ProcessorTopics.CollectiveDeltasRepartition);
            await f.DeadLetterAsync(topic, 12 % WorkerPoisonRun.Partitions, Utf8("12"), [0x01, 0xff, 0xff, 0xff, 0xff, 0x7f], "movie", "FormatException");
            var member = f.NewMember();
            await f.WitnessAsync(member, 12, Cdc(Tickets), f.Partition, f.Changes.Ticket(f.NewTicket(), member, 12, At));
            f.Expect("movie 12 counted once", () => f.Run.ProfileCounts().GetValueOrDefault(12) == 1);
        }),
        new("a collective batch naming a movie past the largest id", "dead letter (movie); the movie partition applies the next batch", async f =>
        {
            // A valid INT: applied, it would grow every worker's collective arrays to two billion entries.
            var topic = ProcessorTopics.RepartitionTopic(WorkerPoisonRun.ApplicationId, ProcessorTopics.CollectiveDeltasRepartition);
            var update = new CoAttendanceUpdate(2_000_000_000, 1_700_000_000, 1, 0, [1], []) { MemberId = f.NewMember(), EventOffset = 1 };
            await f.DeadLetterAsync(topic, 8 % WorkerPoisonRun.Partitions, Utf8("8"), new CollectiveBatch(WorkerPoisonRun.Partitions - 1, [update]).Encode(),
                "movie", "names movie 2000000000, out of range");
            var member = f.NewMember();
            await f.WitnessAsync(member, 8, Cdc(Tickets), f.Partition, f.Changes.Ticket(f.NewTicket(), member, 8, At));
            f.Expect("movie 8 counted once", () => f.Run.ProfileCounts().GetValueOrDefault(8) == 1);
        }),
        new("bytes that are no catalog entry on the catalog topic (a global store)", "dead letter (global-catalog); the next movie is applied", async f =>
        {
            await f.DeadLetterAsync(ProcessorTopics.Catalog, 0, Utf8("5"), [0xde, 0xad], "global-catalog", "FormatException: catalog entry");
            await f.MovieWitnessAsync();
        }),
        new("a record that is no rescore command on the commands topic (a global store)", "dead letter (global-commands); the global thread goes on", async f =>
        {
            await f.DeadLetterAsync(TopicNames.ProcessorCommands, 0, Utf8("rescore"), Utf8("{not json"), "global-commands", "FormatException: value is not a RescoreCommand");
            await f.DeadLetterAsync(TopicNames.ProcessorCommands, 0, Utf8("reboot"), Utf8("{}"), "global-commands", "FormatException: command key 'reboot' is unknown");
            // The commands' global store shares its thread with the catalog's: a movie after them is applied.
            await f.MovieWitnessAsync();
        }),
    ];

    public static TheoryData<string> Cases => new(Corpus.Select(c => c.Name));

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task A_hostile_input_leaves_the_worker_running_and_the_records_behind_it_processed(string name)
    {
        Assert.Null(run.Exit);
        var poison = run.Case(name);
        var problems = await poison.OutstandingAsync();
        Assert.True(problems.Count == 0, $"{name} ({Corpus.Single(c => c.Name == name).Expected}):\n{string.Join("\n", problems)}");
        if (poison.KnownGap is { } gap) Assert.Skip(gap);
    }

    [Fact]
    public void Nothing_but_the_hostile_records_is_dead_lettered()
    {
        Assert.Null(run.Exit);
        var strays = PoisonCase.Strays(run.DeadLetters, run.Cases);
        Assert.True(strays.Count == 0, string.Join("\n", strays));
    }

    [Fact]
    public async Task No_record_was_dropped_by_the_broker()
    {
        Assert.Null(run.Exit);
        await run.AssertNoTrimmedPartitionsAsync();
    }

    private static WorkerPoison Parse(string name, string table, Func<CaseFeed, byte[]?> value, string reason) =>
        new(name, $"dead letter (parse) naming '{reason}'; the next {table} record is processed", async f =>
        {
            await f.DeadLetterAsync(Cdc(table), f.PartitionOf(table), Key, value(f), "parse", reason);
            await f.WitnessOnAsync(table);
        });

    /// <summary>A valid ticket of a new member with one field replaced by raw JSON.</summary>
    private static byte[] Ticket(CaseFeed f, string path, string json) =>
        EnvelopeEdits.Replace(f.Changes.Ticket(f.NewTicket(), f.NewMember(), 1, At).Value, path, json);

    private static bool Seen(ScoreUpdate update, int movie) => update.Scores.Any(s => s.MovieId == movie && s.Seen);

    private static string Cdc(string table) => WorkerPoisonRun.CdcTopic(table);
}
