using Insights.Evaluation.Training;
using Insights.Propensity.Scoring;

namespace Insights.Processors.Tests.Topology;

/// <summary>
/// Done-when "parity": for the same ordered events, the scores on the output topic equal the in-process replay
/// that `insights evaluate` runs (<see cref="StreamingReplay"/> + <see cref="PropensityScorer"/>), member by member.
/// </summary>
public sealed class EvaluationParityTests
{
    [Fact]
    public void Final_scores_equal_the_evaluation_replay_member_by_member() => AssertParity(membersFirst: true);

    /// <summary>A member row that arrives after its tickets moves their attendances to the member's audience cell.</summary>
    [Fact]
    public void Final_scores_equal_the_replay_when_members_arrive_after_their_tickets() => AssertParity(membersFirst: false);

    /// <summary>
    /// A member's tickets reach its task from several partitions, and a restarted task replays one behind later ones:
    /// a ticket landing between two others must leave the state the time-ordered replay does.
    /// </summary>
    [Fact]
    public void Final_scores_equal_the_replay_when_tickets_arrive_out_of_time_order() => AssertParity(membersFirst: true, shuffleTickets: true);

    private static void AssertParity(bool membersFirst, bool shuffleTickets = false)
    {
        var attendances = SyntheticCinema.Attendances();
        using var harness = new TopologyHarness(new ProcessorOptions
        {
            Model = TestModel.Create(), Partitions = 4, FlushInterval = TimeSpan.FromMilliseconds(100),
            NeighbourStaleness = 0,
        });
        var changes = new CinemaChanges();
        var all = SyntheticCinema.Changes(changes, attendances).ToList();
        foreach (var (table, change) in all.Where(c => c.Table is "movies" or "sessions")) harness.Pipe(harness.Topic(table), change);
        harness.WaitUntil(h => h.Movies.Catalog.Count == SyntheticCinema.Movies.Length, "the catalog");
        var members = all.Where(c => c.Table == "members").ToList();
        if (membersFirst) foreach (var (_, change) in members) harness.Pipe(harness.Members, change);
        var tickets = all.Where(c => c.Table == "tickets").ToArray();
        if (shuffleTickets) new Random(7).Shuffle(tickets);
        foreach (var (_, change) in tickets) harness.Pipe(harness.Tickets, change);
        if (!membersFirst) foreach (var (_, change) in members) harness.Pipe(harness.Members, change);
        // A member row applied after its tickets retracts and re-adds each of them in the new audience cell (two
        // more updates each; tasks interleave the two topics as they like), so wait for the count to settle.
        harness.WaitUntil(h => h.Movies.AttendancesCounted >= attendances.Count
            && h.Latest().Count(u => u.Value.Demographics is not null) == SyntheticCinema.Members.Length, "every ticket and member applied");

        harness.WaitUntilSteady(h => h.Movies.ProfilesApplied, TimeSpan.FromSeconds(1));

        // Scores flushed during the load saw the collective state of their moment; a catalog change rescores
        // every member against the settled state, which is what the replay scores at the end.
        var touchedAt = SyntheticCinema.Start.AddDays(90);
        harness.Pipe(harness.MoviesTopic, changes.Movie(1, "action,thriller", "now_showing", touchedAt));
        // A member whose rescored content equals what it sent last sends nothing: wait for content, not versions.
        var expected = SyntheticCinema.ExpectedScores(attendances, harness.Options.Model);
        harness.WaitUntil(h => expected.All(e => h.Latest().TryGetValue(e.Key.ToString(), out var u)
            && u.Scores.Select(s => (s.MovieId, s.Score, s.Seen)).OrderBy(s => s.MovieId).SequenceEqual(e.Value)), "every member's scores to equal the replay");

        foreach (var (memberId, scores) in expected)
            Assert.Equal(scores, harness.Latest()[memberId.ToString()].Scores.Select(s => (s.MovieId, s.Score, s.Seen)).OrderBy(s => s.MovieId));
    }
}
