using System.Text.Json.Nodes;
using Insights.Fixtures.Poison;

namespace Insights.Capture.Tests.Poison;

/// <summary>One hostile input of the capture corpus: what it is, what must come of it, and the statements that make it.</summary>
public sealed record CapturePoison(string Name, string Expected, Func<CaptureCaseFeed, Task> Send, bool MayStopTheCapture = false)
{
    public override string ToString() => Name;
}

/// <summary>
/// The capture's poison corpus through a real `insights capture` process against MariaDB (<see cref="CapturePoisonRun"/>):
/// values MariaDB accepts that have no plain encoding (zero dates, negative TIME, BIT, unsigned 64-bit, spatial, JSON,
/// an ENUM value outside its list), extremes, a huge row, a schema change, a primary key change, rolled-back and large
/// transactions. For every case the capture stays up, writes the row as Debezium encodes it, and goes on to the next
/// row in the binlog within 30 s.
/// </summary>
public sealed class CapturePoisonCorpusTests(CapturePoisonRun run) : IClassFixture<CapturePoisonRun>
{
    private static int movie = 100;

    public static readonly IReadOnlyList<CapturePoison> Corpus =
    [
        Movie("a zero DATE in a nullable column", "release_date = '0000-00-00'", ("release_date", "null")),
        Movie("a partial zero DATE", "release_date = '2024-00-10'", ("release_date", "null")),
        Movie("a negative TIME", "span = '-01:02:03.45'", ("span", "-3723450000")),
        Movie("TIME at its upper limit", "span = '838:59:59.99'", ("span", "3020399990000")),
        Movie("BIT(1) and BIT(10)", "flag = b'1', mask = b'1000000001'", ("flag", "true"), ("mask", "\"AQI=\"")),
        Movie("BIGINT UNSIGNED past the range of a signed long", "big = 18446744073709551615", ("big", "-1")),
        Movie("a JSON column", "doc = '{\"a\": [1, 2], \"b\": null}'", ("doc", "\"{\\\"a\\\": [1, 2], \\\"b\\\": null}\"")),
        Movie("a GEOMETRY", "shape = ST_GeomFromText('LINESTRING(0 0,1 1)', 4326)",
            ("shape", """{"wkb":"AQIAAAACAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAPA/AAAAAAAA8D8=","srid":4326}""")),
        Movie("a 900 KB row", "note = REPEAT('x', 900000)", ("note", "\"" + new string('x', 900_000) + "\"")),
        Member("a zero DATETIME in a NOT NULL column", "joined_at = '0000-00-00 00:00:00'", ("joined_at", "0")),
        Member("a zero TIMESTAMP in a NOT NULL column", "updated_at = '0000-00-00 00:00:00'", ("updated_at", "\"1970-01-01T00:00:00Z\"")),
        Member("SMALLINT at its lower limit", "birth_year = -32768", ("birth_year", "-32768")),
        Member("four-byte UTF-8 text", "occupation = 'Zoë 😀 𝄞'", ("occupation", "\"Zoë 😀 𝄞\"")),
        Member("an ENUM value outside its list (non-strict SQL mode)", "gender = 'Q'", ("gender", "\"\""), sqlMode: ""),
        new("DECIMAL at its limits", "price as Debezium's precise decimal (base64 of the unscaled two's complement)", async f =>
        {
            var member = f.NewMember();
            await f.ExecuteAsync($"""
                INSERT INTO members (member_id, name, email, joined_at) VALUES ({member}, 'Buyer', 'b{member}@example.invalid', '2024-01-01');
                INSERT INTO tickets (ticket_id, member_id, session_id, purchased_at, price) VALUES ({member}1, {member}, 1, '2026-01-01', -999999.99), ({member}2, {member}, 1, '2026-01-01', 999999.99);
                """);
            f.ExpectRow("tickets", "ticket_id", member * 10L + 1, "c", ("price", "\"+gofAQ==\""));
            f.ExpectRow("tickets", "ticket_id", member * 10L + 2, "c", ("price", "\"BfXg/w==\""));
            await f.WitnessAsync();
        }),
        new("a column added while streaming", "the next row's event carries the new column", async f =>
        {
            var member = f.NewMember();
            await f.ExecuteAsync($"""
                ALTER TABLE members ADD COLUMN nickname VARCHAR(20) NULL;
                INSERT INTO members (member_id, name, email, joined_at, nickname) VALUES ({member}, 'New', 'n{member}@example.invalid', '2024-01-01', 'nick');
                """);
            f.ExpectRow("members", "member_id", member, "c", ("nickname", "\"nick\""));
            await f.WitnessAsync();
        }),
        new("a primary key change", "a delete and a tombstone under the old key, a create under the new one", async f =>
        {
            var (old, renumbered) = (f.NewMember(), f.NewMember());
            await f.ExecuteAsync($"""
                INSERT INTO members (member_id, name, email, joined_at) VALUES ({old}, 'Moved', 'm{old}@example.invalid', '2024-01-01');
                UPDATE members SET member_id = {renumbered} WHERE member_id = {old};
                """);
            f.ExpectRow("members", "member_id", old, "d", ("name", "\"Moved\""));
            f.ExpectRow("members", "member_id", renumbered, "c", ("name", "\"Moved\""));
            f.Case.Expect($"a tombstone under key {old} after its delete", () => f.Run.ValuesKeyed("members", $$"""{"member_id":{{old}}}""") is { Count: >= 3 } values
                && values[^1] is null && JsonNode.Parse(values[^2]!)!["op"]!.GetValue<string>() == "d");
            await f.WitnessAsync();
        }),
        new("a rolled-back transaction", "no event for it", async f =>
        {
            var member = f.NewMember();
            await f.ExecuteAsync($"""
                START TRANSACTION;
                INSERT INTO members (member_id, name, email, joined_at) VALUES ({member}, 'Never', 'x{member}@example.invalid', '2024-01-01');
                ROLLBACK;
                """);
            await f.WitnessAsync();
            f.Case.Expect($"no event for member {member}", () => f.Run.Events("members", "member_id", member).Count == 0);
        }),
        new("a transaction of 5,000 rows", "5,000 events", async f =>
        {
            var first = f.NewMember();
            for (var i = 1; i < 5_000; i++) f.NewMember();
            await f.ExecuteAsync($"""
                START TRANSACTION;
                INSERT INTO members (member_id, name, email, joined_at)
                  SELECT {first} + seq, 'Bulk', CONCAT('bulk', {first} + seq, '@example.invalid'), '2024-01-01' FROM seq_0_to_4999;
                COMMIT;
                """);
            f.Case.Expect("an event for every row", () => f.Run.EventCounts("members", "member_id") is var counts
                && Enumerable.Range(first, 5_000).All(m => counts.GetValueOrDefault(m) == 1));
            await f.WitnessAsync();
        }),
        new("a row over Kafka's message limit (2 MB)", "a dead letter (stage capture) cut to fit, and the capture keeps streaming past it", async f =>
        {
            var id = Interlocked.Increment(ref movie);
            await f.ExecuteAsync($"INSERT INTO movies (movie_id, title, genres, status, note) VALUES ({id}, 'Huge', 'drama', 'now_showing', REPEAT('x', 2000000));");
            f.ExpectDeadLetter("movies", "more than cdc.cinema.movies accepts");
            await f.WitnessAsync();
        }, MayStopTheCapture: true),
    ];

    public static TheoryData<string> Cases => new(Corpus.Select(c => c.Name));

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task A_hostile_row_is_captured_as_Debezium_encodes_it_and_the_capture_goes_on(string name)
    {
        var poison = run.Case(name);
        var problems = await poison.OutstandingAsync();
        if (run.Exit is { } exit && exit.Cases.Contains(name)) problems.Insert(0, exit.Why);
        if (poison.KnownGap is { } gap)
        {
            // A gap that stops the capture leaves nothing to assert but the gap itself: once it no longer shows, its mark goes.
            Assert.True(problems.Count > 0, $"{name}: the known gap no longer shows; remove its mark ({gap})");
            Assert.Skip($"{gap}\nseen: {string.Join("\n", problems)}");
        }
        Assert.True(problems.Count == 0, $"{name} ({Corpus.Single(c => c.Name == name).Expected}):\n{string.Join("\n", problems)}");
    }

    /// <summary>A new movie row with <paramref name="assignments"/>, expected with the given columns as Debezium encodes them.</summary>
    private static CapturePoison Movie(string name, string assignments, params (string Column, string Json)[] expected) =>
        new(name, $"captured with {string.Join(", ", expected.Select(e => $"{e.Column} = {(e.Json.Length > 40 ? e.Json[..40] + "..." : e.Json)}"))}", async f =>
        {
            var id = Interlocked.Increment(ref movie);
            await f.ExecuteAsync($"INSERT INTO movies SET movie_id = {id}, title = 'Odd', genres = 'drama', status = 'now_showing', {assignments};");
            f.ExpectRow("movies", "movie_id", id, "c", expected);
            await f.WitnessAsync();
        });

    /// <summary>A new member row with <paramref name="assignments"/> (one column; under <paramref name="sqlMode"/> when given).</summary>
    private static CapturePoison Member(string name, string assignments, (string Column, string Json) expected, string? sqlMode = null) =>
        new(name, $"captured with {expected.Column} = {expected.Json}", async f =>
        {
            var id = f.NewMember();
            var mode = sqlMode is null ? "" : $"SET SESSION sql_mode = '{sqlMode}'; ";
            var column = assignments.Split('=')[0].Trim();
            var defaults = new[] { ("name", "'Odd'"), ("email", $"'o{id}@example.invalid'"), ("joined_at", "'2024-01-01'") }
                .Where(d => d.Item1 != column).Select(d => $"{d.Item1} = {d.Item2}, ");
            await f.ExecuteAsync($"{mode}INSERT INTO members SET member_id = {id}, {string.Concat(defaults)}{assignments};");
            f.ExpectRow("members", "member_id", id, "c", expected);
            await f.WitnessAsync();
        });
}
