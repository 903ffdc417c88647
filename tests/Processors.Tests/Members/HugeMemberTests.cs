using Insights.Contracts.Debezium;
using Insights.Processors.Movies;
using Insights.Propensity;

namespace Insights.Processors.Tests.Members;

/// <summary>
/// A shared or guest account buys far more tickets than any person: its state, its stored record and its collective
/// updates stay bounded by the model's MaxAttendances (the oldest attendance is forgotten), and a change of its audience
/// cell or its deletion costs work in proportion to its history, never its square.
/// </summary>
public sealed class HugeMemberTests
{
    private const int Limit = 10;
    private const int Tickets = 41;
    private static readonly DateTime Day = new(2026, 1, 10, 18, 0, 0, DateTimeKind.Utc);

    /// <summary>Two showing movies, one session each; member 7 buys <see cref="Tickets"/> tickets alternating between them.</summary>
    private static (TopologyHarness Harness, CinemaChanges Changes) HugeMember(bool withRow = true)
    {
        var model = TestModel.Create() with { Settings = ModelSettings.Default with { MaxAttendances = Limit } };
        var harness = new TopologyHarness(new ProcessorOptions
        {
            Model = model, Partitions = 1, FlushInterval = TimeSpan.FromMilliseconds(100), NeighbourStaleness = 0, SessionWait = TimeSpan.FromSeconds(1),
        });
        var changes = new CinemaChanges();
        harness.Pipe(harness.MoviesTopic, changes.Movie(1, "action,thriller", "now_showing", Day.AddDays(-30)));
        harness.Pipe(harness.MoviesTopic, changes.Movie(2, "comedy", "now_showing", Day.AddDays(-30)));
        harness.Pipe(harness.Sessions, changes.Session(10, 1));
        harness.Pipe(harness.Sessions, changes.Session(20, 2));
        harness.WaitUntil(h => h.Movies.Catalog.Count == 2, "the catalog global store");
        if (withRow) harness.Pipe(harness.Members, changes.Member(7, 1990, "F"));
        for (var i = 0; i < Tickets; i++) harness.Pipe(harness.Tickets, changes.Ticket(100 + i, 7, i % 2 == 0 ? 10 : 20, Day.AddHours(i)));
        return (harness, changes);
    }

    private static float Count(TopologyHarness h, int movie) => h.Movies.Profile(movie)?.Count ?? 0;

    [Fact]
    public void Beyond_the_limit_the_movies_count_only_the_members_newest_attendances()
    {
        var (harness, _) = HugeMember();
        using var owned = harness;

        // The newest ten of 41 alternating tickets (31..40): five of each movie.
        harness.WaitUntil(h => Count(h, 1) == 5 && Count(h, 2) == 5, "the movie counts of the member's newest ten attendances");
        harness.WaitUntil(h => h.Latest().TryGetValue("7", out var u) && u.Scores.All(s => s.Seen), "member 7's scores");

        Assert.Empty(harness.DeadLetters);
    }

    [Fact]
    public void A_capped_member_changing_audience_cell_moves_its_counted_attendances_and_keeps_the_pairs()
    {
        var (harness, changes) = HugeMember();
        using var owned = harness;
        harness.WaitUntil(h => Count(h, 1) == 5 && Count(h, 2) == 5, "the movie counts of the member's newest ten attendances");
        var before = harness.Movies.Profile(1)!;
        var oldCell = Array.FindIndex(before.AudienceCells, c => c > 0);

        harness.Pipe(harness.Members, changes.Member(7, 1950, "M"));
        harness.WaitUntil(h => h.Movies.Profile(1)!.AudienceCells[oldCell] == 0 && h.Movies.Profile(2)!.AudienceCells[oldCell] == 0,
            "the attendances to leave the member's old audience cell");

        var after = harness.Movies.Profile(1)!;
        var newCell = Array.FindIndex(after.AudienceCells, c => c > 0);
        Assert.NotEqual(oldCell, newCell);
        Assert.Equal(5, after.AudienceCells[newCell]);
        Assert.Equal(5, after.Count);
        Assert.Equal(before.CoNeighbours, after.CoNeighbours);
        Assert.Empty(harness.DeadLetters);
    }

    [Fact]
    public void A_deleted_capped_member_leaves_no_attendance_behind()
    {
        var (harness, changes) = HugeMember();
        using var owned = harness;
        harness.WaitUntil(h => Count(h, 1) == 5 && Count(h, 2) == 5, "the movie counts of the member's newest ten attendances");

        harness.Pipe(harness.Members, changes.Member(7, 1990, "F", ChangeOperation.Delete));
        harness.WaitUntil(h => h.Scores.Count > 0 && h.Scores[^1] is ("7", null), "member 7's tombstone");
        harness.WaitUntil(h => Count(h, 1) == 0 && Count(h, 2) == 0, "the movie counts without the deleted member");

        Assert.Empty(harness.Movies.Profile(1)!.CoNeighbours);
        Assert.Empty(harness.DeadLetters);
    }
}
