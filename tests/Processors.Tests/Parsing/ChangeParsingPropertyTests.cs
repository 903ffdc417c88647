using System.Text;
using FsCheck;
using FsCheck.Fluent;
using Insights.Contracts.Cinema;
using Insights.Contracts.Debezium;
using Insights.Contracts.Topics;
using Insights.Processors.Events;
using Insights.Processors.Movies;
using Insights.Processors.Parsing;
using Insights.Processors.Topology;
using Streamiz.Kafka.Net.Processors.Public;

namespace Insights.Processors.Tests.Parsing;

/// <summary>
/// The workers' first step on every CDC record: a <see cref="SourceReader{T}"/> with the table's
/// <see cref="ChangeParsing"/> function. Whatever the bytes, each of the four readers gives a tombstone, a value
/// downstream steps can use as it is, or a dead letter carrying the record and its reason, and never an exception:
/// one that escaped would stop the stream thread, and the restarted worker would meet the same record again.
/// Properties run with FsCheck (2,000 cases each), every value through all four readers.
/// </summary>
public sealed class ChangeParsingPropertyTests
{
    private static readonly FsCheck.Config Cases = FsCheck.Config.QuickThrowOnFailure.WithMaxTest(2_000);
    private static readonly byte[] Key = "{\"id\":1}"u8.ToArray();

    private enum Outcome { Tombstone, Value, DeadLetter }

    /// <summary>What a reader gave: the outcome, and the dead letter when it is one.</summary>
    private sealed record Result(Outcome Outcome, Routed? Letter = null);

    /// <summary>The four readers as ScoringTopology builds them (same parse calls; keys do not matter here), with what makes each value usable.</summary>
    private static readonly (string Table, Func<byte[]?, Result> Read)[] Readers =
    [
        ("tickets", value => Read<MemberEvent[]>(value, (v, origin) =>
            ChangeParsing.Tickets(v) is { Count: > 0 } changes ? ("t", changes.Select(t => new MemberEvent(t, null, origin)).ToArray()) : ((string, MemberEvent[])?)null,
            events => events.All(e => e.Ticket is { MemberId: >= 1, SessionId: >= 1 }))),
        ("sessions", value => Read<SessionValue>(value, (v, _) => ChangeParsing.Session(v) is { } s ? ("s", new SessionValue(s.SessionId, s.Entry?.MovieId)) : ((string, SessionValue)?)null,
            s => s.SessionId >= 1 && s.MovieId is null or (>= 1 and <= ChangeParsing.MaxMovieId))),
        ("movies", value => Read<CatalogEntry>(value, (v, _) => ChangeParsing.Movie(v, CinemaGenres.All) is { } entry ? ("m", entry) : ((string, CatalogEntry)?)null,
            entry => entry.Movie.Id is >= 1 and <= ChangeParsing.MaxMovieId && CatalogEntry.Decode(entry.Encode()).Movie == entry.Movie)),
        ("members", value => Read<MemberEvent>(value, (v, origin) => ChangeParsing.Member(v) is { } m ? ("p", new MemberEvent(null, m, origin)) : ((string, MemberEvent)?)null,
            e => e.Member is { MemberId: >= 1 })),
    ];

    private sealed record SessionValue(int SessionId, int? MovieId);

    /// <summary>Runs one record through a reader; throws (failing the property) on anything but the three outcomes.</summary>
    private static Result Read<T>(byte[]? value, Func<byte[]?, EventOrigin, (string, T)?> parse, Func<T, bool> usable) where T : class
    {
        var reader = new SourceReader<T>((_, v, origin) => parse(v, origin));
        Record<string, Parsed<T>>? result;
        try { result = reader.Process(Record<byte[], byte[]>.Create(Key, value!)); }
        catch (Exception e) { throw new Xunit.Sdk.XunitException($"the reader threw {e.GetType().Name}: {e.Message}"); }
        if (result is null) return new Result(Outcome.Tombstone);
        if (result.Value is { Failure: { } letter })
        {
            var error = Header(letter, DeadLetterHeaders.Error);
            if (letter.Topic != TopicNames.DeadLetter || error.Length == 0 || Header(letter, DeadLetterHeaders.Stage) != "parse"
                || letter.Key != Key || letter.Value != value)
                throw new Xunit.Sdk.XunitException($"a dead letter without the record or its reason: topic {letter.Topic}, error '{error}'");
            return new Result(Outcome.DeadLetter, letter);
        }
        if (result.Value is { Value: { } parsed } && usable(parsed)) return new Result(Outcome.Value);
        throw new Xunit.Sdk.XunitException($"the reader gave a value no downstream step can use: {result.Value?.Value}");
    }

    private static string Header(Routed letter, string name) =>
        letter.Headers?.TryGetLastBytes(name, out var bytes) == true ? Encoding.UTF8.GetString(bytes) : "";

    private static Dictionary<Outcome, int> ReadByAll(byte[]? value, Dictionary<Outcome, int> counts)
    {
        foreach (var (_, read) in Readers)
        {
            var outcome = read(value).Outcome;
            counts[outcome] = counts.GetValueOrDefault(outcome) + 1;
        }
        return counts;
    }

    [Fact]
    public void Any_bytes_give_a_tombstone_a_value_or_a_dead_letter_never_an_exception()
    {
        var counts = new Dictionary<Outcome, int>();
        var bytes = ArbMap.Default.GeneratorFor<byte[]>().OrNull();
        Check.One(Cases, Prop.ForAll(bytes.ToArbitrary(), value => ReadByAll(value, counts) is not null));
        Assert.True(counts.GetValueOrDefault(Outcome.DeadLetter) > 0, "no generated bytes were dead-lettered");
    }

    [Fact]
    public void Envelopes_with_hostile_fields_give_a_value_or_a_dead_letter_never_an_exception()
    {
        var counts = new Dictionary<Outcome, int>();
        Check.One(Cases, Prop.ForAll(HostileEnvelopes().ToArbitrary(), value => ReadByAll(Encoding.UTF8.GetBytes(value), counts) is not null));
        // The generator must reach both sides, or the property says little: most envelopes are damaged, some survive.
        Assert.InRange(counts.GetValueOrDefault(Outcome.Value), 200, 7_000);
        Assert.InRange(counts.GetValueOrDefault(Outcome.DeadLetter), 1_000, 7_800);
    }

    [Fact]
    public void Valid_envelopes_damaged_anywhere_give_a_value_or_a_dead_letter_never_an_exception()
    {
        var damaged =
            from value in ValidEnvelopes().Select(Encoding.UTF8.GetBytes)
            from position in Gen.Choose(0, value.Length - 1)
            from replacement in ArbMap.Default.GeneratorFor<byte>()
            from kind in Gen.Choose(0, 2)
            select kind switch
            {
                0 => [.. value[..position], replacement, .. value[(position + 1)..]], // one byte changed
                1 => value[..position],                                                // cut short
                _ => (byte[])[.. value[..position], replacement, .. value[position..]], // one byte inserted
            };
        var counts = new Dictionary<Outcome, int>();
        Check.One(Cases, Prop.ForAll(damaged.ToArbitrary(), value => ReadByAll(value, counts) is not null));
        Assert.True(counts.GetValueOrDefault(Outcome.DeadLetter) > 0, "no damaged envelope was dead-lettered");
    }

    [Theory]
    [InlineData("members", "after.member_id", "-1", "member id -1 is out of range")]
    [InlineData("members", "after.member_id", "0", "member id 0 is out of range")]
    [InlineData("members", "after.member_id", "2147483648", "column 'member_id' is not a 32-bit integer")]
    [InlineData("members", "after.member_id", "\"7\"", "column 'member_id' must be a Number")]
    [InlineData("members", "after.member_id", "null", "column 'member_id' is null")]
    [InlineData("members", "ts_ms", "1e400", "FormatException")]
    [InlineData("members", "source.ts_ms", "9223372036854775807", "ArgumentOutOfRangeException")]
    [InlineData("members", "op", "\"x\"", "unknown Debezium op 'x'")]
    [InlineData("members", "op", "\"t\"", "truncate events are not applied")]
    [InlineData("members", "source", "\"cdc\"", "no 'source' object")]
    [InlineData("members", "after", "[]", "has no 'after' row")]
    [InlineData("movies", "after.movie_id", "1000001", "movie id 1000001 is out of range")]
    [InlineData("movies", "after.genres", "\"action,sorcery\"", "unknown genre 'sorcery'")]
    [InlineData("movies", "after.release_date", "2147483647", "ArgumentOutOfRangeException")]
    [InlineData("sessions", "after.movie_id", "2000000000", "movie id 2000000000 is out of range")]
    [InlineData("sessions", "after.session_id", "-5", "session id -5 is out of range")]
    [InlineData("tickets", "after.status", "\"stolen\"", "unknown status 'stolen'")]
    [InlineData("tickets", "after.purchased_at", "922337203685477", "column 'purchased_at': 922337203685477 ms since the epoch is past the range of dates")]
    [InlineData("tickets", "after.price", "12.5", "column 'price'")]
    [InlineData("tickets", "after.updated_at", "\"2024-13-45T99:99:99Z\"", "column 'updated_at'")]
    [InlineData("tickets", "after.member_id", "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]", "not JSON")]
    public void A_hostile_field_is_dead_lettered_naming_why(string table, string path, string json, string reason)
    {
        var value = Encoding.UTF8.GetBytes(EnvelopeEdits.Replace(Envelope(table), path, json));
        var read = Readers.Single(r => r.Table == table).Read(value);

        Assert.Equal(Outcome.DeadLetter, read.Outcome);
        Assert.Contains(reason, Header(read.Letter!, DeadLetterHeaders.Error));
    }

    [Fact]
    public void An_epoch_time_past_the_range_of_dates_is_dead_lettered_not_wrapped_around()
    {
        var value = Encoding.UTF8.GetBytes(EnvelopeEdits.Replace(Envelope("tickets"), "after.purchased_at", "9223372036854775807"));

        var read = Readers.Single(r => r.Table == "tickets").Read(value);

        Assert.Equal(Outcome.DeadLetter, read.Outcome);
        Assert.Contains("column 'purchased_at': 9223372036854775807 ms since the epoch is past the range of dates", Header(read.Letter!, DeadLetterHeaders.Error));
    }

    [Fact]
    public void A_tombstone_and_an_envelope_with_a_null_payload_are_not_dead_letters()
    {
        Assert.All(Readers, r => Assert.Equal(Outcome.Tombstone, r.Read(null).Outcome));
        Assert.All(Readers, r => Assert.Equal(Outcome.Tombstone, r.Read("""{"schema":{},"payload":null}"""u8.ToArray()).Outcome));
    }

    // ---- generators ----

    private static readonly CinemaChanges Changes = new();
    private static readonly DateTime At = new(2026, 1, 5, 20, 0, 0, DateTimeKind.Utc);

    /// <summary>A valid envelope of each kind the capture writes (creates, updates, deletes, snapshot reads, transfers).</summary>
    private static string Envelope(string table) => table switch
    {
        "tickets" => Text(Changes.Ticket(11, 7, 3, At).Value),
        "sessions" => Text(Changes.Session(3, 2).Value),
        "movies" => Text(Changes.Movie(2, "action,drama", "now_showing", At).Value),
        _ => Text(Changes.Member(7, 1990, "F").Value),
    };

    private static string Text(byte[] bytes) => Encoding.UTF8.GetString(bytes);

    private static Gen<string> ValidEnvelopes() => Gen.Elements(
        Text(Changes.Ticket(11, 7, 3, At).Value),
        Text(Changes.Ticket(12, 7, 3, At, "refunded", ChangeOperation.Update).Value),
        Text(Changes.Ticket(13, 8, 4, At, op: ChangeOperation.Delete).Value),
        Text(Changes.TicketMovedKeyedByTicket(14, (7, 3), (8, 4), At).Value),
        Text(Changes.Session(3, 2).Value),
        Text(Changes.Session(4, 999_999, ChangeOperation.Delete).Value),
        Text(Changes.Movie(2, "action,drama", "now_showing", At).Value),
        Text(Changes.Movie(5, "", "coming_soon", At, releaseDate: null, ChangeOperation.Read).Value),
        Text(Changes.Member(7, 1990, "F").Value),
        Text(Changes.Member(8, null, null, ChangeOperation.Update).Value),
        Text(Changes.Member(9, 2001, "M", ChangeOperation.Delete).Value));

    /// <summary>
    /// Raw JSON put where a field was: nulls, wrong types, numbers at and past every integer limit and past double's
    /// range, nesting deeper than the parser allows, long strings, lone surrogates, dates and base64 that do not parse.
    /// </summary>
    private static readonly string[] HostileJson =
    [
        "null", "true", "false", "\"\"", "\"x\"", "\"7\"", "0", "-0", "-1", "1", "1.5", "1e-400", "1e400", "-1e400",
        "2147483647", "2147483648", "-2147483648", "-2147483649", "9223372036854775807", "9223372036854775808",
        "-9223372036854775809", "18446744073709551615", "1000000", "1000001", "\"NaN\"", "[]", "{}", "[1,2]", "{\"a\":1}",
        new string('[', 70) + new string(']', 70), string.Concat(Enumerable.Repeat("{\"a\":", 70)) + "1" + new string('}', 70),
        "\"\\uD800\"", "\"" + new string('a', 100_000) + "\"", "\"2024-13-45T99:99:99Z\"", "\"1970-01-01T00:00:00Z\"",
        "\"AAAA\"", "\"!!\"", "\"" + new string('/', 64) + "\"", "\"c\"", "\"u\"", "\"d\"", "\"r\"", "\"t\"", "\"refunded\"",
        "\"action,drama,sci_fi\"", "\"unknown\"", "\"archived\"",
    ];

    /// <summary>A valid envelope with one to three fields (anywhere in the tree) replaced by hostile JSON or removed, now and then wrapped as schemas.enable=true.</summary>
    private static Gen<string> HostileEnvelopes() =>
        from envelope in ValidEnvelopes()
        let paths = EnvelopeEdits.Paths(envelope).ToArray()
        from count in Gen.Choose(1, 3)
        from edits in Gen.Zip(Gen.Elements(paths), Gen.Frequency((4, Gen.Elements<string?>(HostileJson)), (1, Gen.Constant<string?>(null)))).ListOf(count)
        from wrapped in Gen.Frequency((6, Gen.Constant(false)), (1, Gen.Constant(true)))
        select Wrap(EnvelopeEdits.Edit(envelope, edits), wrapped);

    private static string Wrap(string envelope, bool wrapped) => wrapped ? $"{{\"schema\":{{\"type\":\"struct\"}},\"payload\":{envelope}}}" : envelope;

}
